package com.uirig.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.config.InventoryLoader;
import com.uirig.facts.RcConfParser;
import com.uirig.model.DesiredHost;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What uirig renders for each server has the same effective settings as the seed's own files
 * (src/test/resources/seed) once the values the seed reads from small per-host files are filled in.
 */
class SeedEquivalenceTest {
    private static final Path SEED = Path.of("src/test/resources/seed");

    @TempDir
    Path dir;
    private static final Pattern CAT = Pattern.compile("`/bin/cat (/etc/[a-z_]+)`");

    /** The seed's per-host files, with the values its diagram gives (hostnames are the inventory's). */
    private static Map<String, String> hostFiles(String host) {
        boolean a = host.equals("server-a");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("/etc/xnic", a ? "192.0.2.155/24" : "192.0.2.165/24");
        f.put("/etc/inic", a ? "192.168.56.110/24" : "192.168.56.111/24");
        f.put("/etc/gateway", "192.0.2.1");
        return f;
    }

    private static Map<String, String> jailFiles(String host, String jail) {
        boolean a = host.equals("server-a");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("/etc/hostname", jail.replace("_j", "") + (a ? "-a" : "-b") + ".uirig.com");
        f.put("/etc/ip_inode_b", a ? "192.168.56.30" : "192.168.56.31");
        f.put("/etc/ip_ipg_b", a ? "192.168.56.40" : "192.168.56.41");
        f.put("/etc/ip_peer_ipg_b", a ? "192.168.56.41" : "192.168.56.40");
        return f;
    }

    private static Map<String, String> effective(Map<String, String> raw, Map<String, String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            Matcher m = CAT.matcher(v);
            StringBuilder resolved = new StringBuilder();
            while (m.find()) {
                String value = files.get(m.group(1));
                assertThat(value).as("value of %s", m.group(1)).isNotNull();
                m.appendReplacement(resolved, Matcher.quoteReplacement(value));
            }
            m.appendTail(resolved);
            out.put(k, resolved.toString().trim().replaceAll("\\s+", " "));
        });
        return out;
    }

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    private static DesiredHost host(String name) {
        return InventoryLoader.load(Path.of("inventory/prod")).host(name).orElseThrow();
    }

    private static Path render(String name, Path dir) throws IOException {
        HostFiles.write(host(name), dir);
        return dir;
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void hostRcConfHasTheSeedsEffectiveSettings(String name) throws IOException {
        Path out = render(name, dir);
        Map<String, String> seed = effective(RcConfParser.parse(read(SEED.resolve("etc/rc.conf"))), hostFiles(name));
        Map<String, String> ours = effective(RcConfParser.parse(read(out.resolve("etc/rc.conf"))), Map.of());
        assertThat(ours).isEqualTo(seed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void jailRcConfsHaveTheSeedsEffectiveSettings(String name) throws IOException {
        Path out = render(name, dir);
        for (String jail : List.of("nginx_j", "node_j", "pg_j")) {
            String rc = "jails/" + jail + "/etc/rc.conf";
            Map<String, String> seed = effective(RcConfParser.parse(read(SEED.resolve(rc))), jailFiles(name, jail));
            Map<String, String> ours = effective(RcConfParser.parse(read(out.resolve(rc))), Map.of());
            assertThat(ours).as(rc).isEqualTo(seed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void jailConfHasTheSeedsJailsInBootOrderWithTheirParameters(String name) throws IOException {
        Path out = render(name, dir);
        Map<String, Map<String, String>> seed = jailConf(read(SEED.resolve("etc/jail.conf")));
        Map<String, Map<String, String>> ours = jailConf(read(out.resolve("etc/jail.conf")));
        assertThat(new ArrayList<>(ours.keySet())).containsExactly("pg_j", "node_j", "nginx_j");
        assertThat(ours).isEqualTo(seed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void pfConfHasTheSeedsStatements(String name) throws IOException {
        Path out = render(name, dir);
        assertThat(pfStatements(read(out.resolve("etc/pf.conf")))).isEqualTo(pfStatements(read(SEED.resolve("etc/pf.conf"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"server-a", "server-b"})
    void tableFilesHoldThePerHostValuesTheSeedKeepsInFiles(String name) throws IOException {
        Path out = render(name, dir);
        Map<String, String> values = jailFiles(name, "pg_j");
        assertThat(read(out.resolve("etc/ip_ipg_b")).trim()).isEqualTo(values.get("/etc/ip_ipg_b"));
        assertThat(read(out.resolve("etc/ip_inode_b")).trim()).isEqualTo(values.get("/etc/ip_inode_b"));
        assertThat(read(out.resolve("etc/ip_peer_ipg_b")).trim()).isEqualTo(values.get("/etc/ip_peer_ipg_b"));
        assertThat(read(out.resolve("etc/ip_peer_inode_b")).trim())
                .isEqualTo(name.equals("server-a") ? "192.168.56.31" : "192.168.56.30");
    }

    /** jail.conf as effective parameters per jail (shared ones merged in, $name expanded). */
    static Map<String, Map<String, String>> jailConf(String text) {
        String noComments = text.replaceAll("(?m)#.*$", "");
        Map<String, String> shared = new LinkedHashMap<>();
        Map<String, Map<String, String>> jails = new LinkedHashMap<>();
        Matcher block = Pattern.compile("([A-Za-z0-9_]+)\\s*\\{([^}]*)}").matcher(noComments);
        StringBuilder top = new StringBuilder();
        int last = 0;
        List<String[]> blocks = new ArrayList<>();
        while (block.find()) {
            top.append(noComments, last, block.start());
            last = block.end();
            blocks.add(new String[] {block.group(1), block.group(2)});
        }
        top.append(noComments.substring(last));
        statements(top.toString(), shared);
        for (String[] b : blocks) {
            Map<String, String> params = new LinkedHashMap<>(shared);
            statements(b[1], params);
            params.replaceAll((k, v) -> v.replace("$name", b[0]));
            jails.put(b[0], params);
        }
        return jails;
    }

    private static void statements(String text, Map<String, String> into) {
        for (String s : text.split(";")) {
            String st = s.trim().replaceAll("\\s+", " ");
            if (st.isEmpty()) {
                continue;
            }
            int eq = st.indexOf('=');
            if (eq < 0) {
                into.put(st, "true");
            } else {
                into.put(st.substring(0, eq).trim(), st.substring(eq + 1).trim().replace("\"", ""));
            }
        }
    }

    /** pf.conf's statements: comments dropped, continuations joined, blanks collapsed. */
    static List<String> pfStatements(String text) {
        List<String> out = new ArrayList<>();
        String joined = text.replaceAll("(?m)#.*$", "").replace("\\\n", " ");
        for (String line : joined.split("\n")) {
            String s = line.trim().replaceAll("\\s+", " ");
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
