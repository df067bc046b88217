package com.uirig.kinds;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.config.InventoryCopy;
import com.uirig.model.DesiredHost;
import com.uirig.model.JailParam;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What uirig writes into jail.conf is read back by jail(8) as the playbook's value. */
class JailConfQuotingTest {
    @TempDir
    Path dir;

    /**
     * Reads one double-quoted jail.conf string as usr.sbin/jail/jaillex.l does (text2lval's
     * escapes; $WORD and ${...} are variables, of which only the jail's name is known here).
     */
    static String readBack(String quoted, String jail) {
        assertThat(quoted).startsWith("\"").endsWith("\"").hasSizeGreaterThanOrEqualTo(2);
        StringBuilder out = new StringBuilder();
        String body = quoted.substring(1, quoted.length() - 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                throw new AssertionError("the string ends early at " + i + " in " + quoted);
            }
            if (c == '\\') {
                char e = body.charAt(++i);
                out.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'a', 'b', 'f', 'r', 'v', 'x', '0', '1', '2', '3', '4', '5', '6', '7' ->
                            throw new AssertionError("unexpected escape \\" + e);
                    default -> e;
                });
                continue;
            }
            if (c == '$') {
                String variable;
                if (body.startsWith("{", i + 1)) {
                    int close = body.indexOf('}', i);
                    variable = body.substring(i + 2, close);
                    i = close;
                } else {
                    int end = i + 1;
                    while (end < body.length() && (Character.isLetterOrDigit(body.charAt(end)) || body.charAt(end) == '_')) {
                        end++;
                    }
                    variable = body.substring(i + 1, end);
                    i = end - 1;
                }
                if (!variable.equals("name")) {
                    throw new AssertionError("jail(8) would look up the variable '" + variable + "' in " + quoted);
                }
                out.append(jail);
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bin/sh -c 'echo \"hi\" > /tmp/x'", "C:\\dir\\", "$HOME and ${PATH} cost $5",
            "$names", "a\"b\\\"c", "two\nlines\tand a tab", "/jails/$name/${name}.log", "\u00e9t\u00e9"})
    void valuesRoundTripThroughJailConfsLexer(String value) {
        String line = JailConf.statement("exec.start", value);
        assertThat(line).startsWith("exec.start = ").endsWith(";").doesNotContain("\n");
        String quoted = line.substring("exec.start = ".length(), line.length() - 1);
        assertThat(readBack(quoted, "pg_j")).isEqualTo(JailParam.expand(value, "pg_j"));
    }

    @Test
    void onlyTheJailsNameIsAVariable() {
        assertThat(JailParam.expand("/jails/$name/${name}/$names/$name.x", "pg_j")).isEqualTo("/jails/pg_j/pg_j/$names/pg_j.x");
        assertThat(JailConf.statement("path", "/jails/$name")).isEqualTo("path = \"/jails/$name\";");
        assertThat(JailConf.statement("exec.start", "echo $HOME \"x\"")).isEqualTo("exec.start = \"echo \\$HOME \\\"x\\\"\";");
    }

    @Test
    void theRenderedJailConfAndTheJlsComparisonAgreeOnAQuotedValue() {
        InventoryCopy c = new InventoryCopy(dir).edit("playbooks/jails.yml", "      sysvshm: new\n",
                "      sysvshm: new\n      host.hostname: \"$name.example\"\n      exec.poststart: echo \"started $name\" \\ $$\n");
        DesiredHost d = c.load("prod").host("server-a").orElseThrow();
        String conf = JailConf.render(d);
        assertThat(conf).contains("  exec.poststart = \"echo \\\"started $name\\\" \\\\ \\$\\$\";\n")
                .contains("  host.hostname = \"$name.example\";\n");
        DesiredHost.Jail pg = com.uirig.kinds.JailsKind.of(d).get(0);
        // jls reports the value jail(8) set: the jail's name filled in.
        assertThat(JailConf.effective(d, pg)).containsEntry("host.hostname", "pg_j.example")
                .containsEntry("sysvshm", "new");
    }
}
