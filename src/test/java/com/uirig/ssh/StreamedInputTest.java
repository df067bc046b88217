package com.uirig.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large standard input goes to the host through the SSH channel as a stream, and arrives whole. */
class StreamedInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** {@code size} bytes made as they are read (never held), hashed on the way. */
    static final class Generated extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long sent;
        private int state = 12345;

        Generated(long size) throws Exception {
            this.size = size;
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (sent == size) {
                return -1;
            }
            int n = (int) Math.min(len, size - sent);
            for (int i = 0; i < n; i++) {
                state = state * 1103515245 + 12345;
                b[off + i] = (byte) (state >>> 16);
            }
            digest.update(b, off, n);
            sent += n;
            return n;
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    @Test
    void sixtyFourMibStreamedToACommandArriveWithTheirHash() throws Exception {
        try (TestSshServer server = new TestSshServer(dir); SshConnector connector = new SshConnector(TIMEOUT)) {
            var target = server.target(dir.resolve("known_hosts"), Optional.empty());
            new KnownHosts(Optional.of(dir.resolve("known_hosts")), Optional.empty())
                    .trust("127.0.0.1", server.port(), connector.offeredKey("server-a", target));
            Generated input = new Generated(64L * 1024 * 1024 + 7);
            try (Transport t = connector.connect("server-a", target, dir)) {
                CommandResult r = t.run("sha256sum 2>/dev/null || sha256 -q", input, TIMEOUT);
                assertThat(r.exit()).isZero();
                assertThat(input.sent).isEqualTo(64L * 1024 * 1024 + 7);
                assertThat(r.stdout().split("\\s+")[0]).isEqualTo(input.sha256());
            }
        }
    }
}
