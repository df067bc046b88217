package com.uirig.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** known_hosts is parsed once per version of the file: a run's checks share it, and a change is seen. */
class KnownHostsTest {
    @TempDir
    Path dir;

    private static PublicKey key() throws Exception {
        return KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256).getPublic();
    }

    @Test
    void aKeyTrustedOrEditedInSinceTheLastCheckIsSeenByTheNext() throws Exception {
        Path file = dir.resolve("known_hosts");
        PublicKey a = key();
        PublicKey b = key();
        Files.writeString(file, "[192.0.2.10]:2222 " + KnownHosts.openSsh(a) + "\n");
        KnownHosts known = new KnownHosts(Optional.of(file), Optional.empty());
        assertThat(known.check("192.0.2.10", 2222, a)).isEqualTo(KnownHosts.Verdict.TRUSTED);
        assertThat(known.check("192.0.2.10", 22, a)).isEqualTo(KnownHosts.Verdict.UNKNOWN);
        // uirig trust replaces the file: the next check (of any KnownHosts) reads the new one.
        known.trust("192.0.2.10", 2222, b);
        KnownHosts again = new KnownHosts(Optional.of(file), Optional.empty());
        assertThat(again.check("192.0.2.10", 2222, b)).isEqualTo(KnownHosts.Verdict.TRUSTED);
        assertThat(again.check("192.0.2.10", 2222, a)).isEqualTo(KnownHosts.Verdict.CHANGED);
        // An edit in place (another length): read again too.
        Files.writeString(file, "# revoked by hand\n@revoked [192.0.2.10]:2222 " + KnownHosts.openSsh(b) + "\n"
                + "[192.0.2.10]:2222 " + KnownHosts.openSsh(b) + "\n");
        assertThat(again.check("192.0.2.10", 2222, b)).isEqualTo(KnownHosts.Verdict.REVOKED);
    }

    @Test
    void patternsWithWildcardsStillMatchAndPlainNamesMatchOnlyThemselves() throws Exception {
        Path file = dir.resolve("known_hosts");
        PublicKey a = key();
        Files.writeString(file, "192.0.2.*,!192.0.2.99 " + KnownHosts.openSsh(a) + "\n192.0.2.1x " + KnownHosts.openSsh(a) + "\n");
        KnownHosts known = new KnownHosts(Optional.of(file), Optional.empty());
        assertThat(known.check("192.0.2.7", 22, a)).isEqualTo(KnownHosts.Verdict.TRUSTED);
        assertThat(known.check("192.0.2.99", 22, a)).isEqualTo(KnownHosts.Verdict.UNKNOWN);
        assertThat(known.check("192.0.3.1", 22, a)).isEqualTo(KnownHosts.Verdict.UNKNOWN);
    }
}
