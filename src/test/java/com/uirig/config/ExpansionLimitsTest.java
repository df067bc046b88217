package com.uirig.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filling in {@code {{ var }}} is bounded per host: inputs that would expand to gigabytes stop with
 * one located problem instead of exhausting memory or time.
 */
class ExpansionLimitsTest {
    private static final String HOSTS = "inventory/prod/hosts.yml";
    private static final String PF = "playbooks/templates/pf.conf";
    private static final String JAILS = "playbooks/jails.yml";

    @TempDir
    Path dir;

    /** Variables {@code l0 .. l<levels>}: each level uses the one below {@code fanOut} times. */
    private static String nested(String leaf, int levels, int fanOut) {
        StringBuilder vars = new StringBuilder("  l0: \"" + leaf + "\"\n");
        for (int i = 1; i <= levels; i++) {
            vars.append("  l").append(i).append(": \"").append(("{{ l" + (i - 1) + " }}").repeat(fanOut)).append("\"\n");
        }
        return vars.toString();
    }

    private static InventoryCopy withVars(Path dir, String vars) {
        return new InventoryCopy(dir).edit(HOSTS, "vars:\n  # NIC drivers", "vars:\n" + vars + "  # NIC drivers");
    }

    @Test
    void aTemplateThatWouldExpandToGigabytesStopsAtTheLimitWhereItIsUsed() {
        // 10^9 copies of 64 characters: 64 GB if it were expanded.
        InventoryCopy c = withVars(dir, nested("x".repeat(64), 9, 10))
                .edit(PF, "xbridge_net = \"10.0.2/24\"", "xbridge_net = \"10.0.2/24\" # {{ l9 }}");
        List<String> problems = c.problems("prod");
        assertThat(problems).singleElement().asString()
                .matches(java.util.regex.Pattern.quote(YamlFile.displayName(c.path(HOSTS))) + ":\\d+:\\d+: vars\\.l\\d: .*")
                .contains(ExpansionBudget.MESSAGE)
                .contains("32 MiB of text or 100000 variable uses")
                .endsWith("(used at " + c.at(PF, "{{ l9 }}") + ")");
    }

    @Test
    void textThatDoublesPerLevelInAFileContentStopsAtTheLimit() {
        // 1 MB doubled ten times: a 1 GB /etc/resolv.conf if it were expanded.
        InventoryCopy c = withVars(dir, nested("ab".repeat(500_000), 10, 2))
                .edit(JAILS, "/etc/resolv.conf: {content: \"{{ resolv_conf }}\"}\n      # Inside",
                        "/etc/resolv.conf: {content: \"{{ l10 }}\"}\n      # Inside");
        assertThat(c.problems("prod")).singleElement().asString()
                .contains(ExpansionBudget.MESSAGE)
                .endsWith("(used at " + c.at(JAILS, "\"{{ l10 }}\"") + " jails.pg_j.files./etc/resolv.conf.content)");
    }

    @Test
    void emptyVariablesUsedBillionsOfTimesStopToo() {
        // The result would be empty, but the work is 10^10 variable uses: that is counted as well.
        InventoryCopy c = withVars(dir, nested("", 10, 10))
                .edit(PF, "xbridge_net = \"10.0.2/24\"", "xbridge_net = \"10.0.2/24\" # {{ l10 }}");
        assertThat(c.problems("prod")).singleElement().asString()
                .contains(ExpansionBudget.MESSAGE)
                .endsWith("(used at " + c.at(PF, "{{ l10 }}") + ")");
    }

    @Test
    void largeTemplatesWellWithinTheLimitAreFilledIn() throws Exception {
        // A 3 MiB pf.conf using variables 20,000 times: large, but an honest input.
        InventoryCopy c = new InventoryCopy(dir);
        String text = Files.readString(c.path(PF));
        String dashes = "#" + "-".repeat(3 * 1024 * 1024) + "\n";
        Files.writeString(c.path(PF), text + "# {{ host.name }} {{ xnic }}\n".repeat(10_000) + dashes);
        String conf = com.uirig.kinds.PfKind.of(c.load("prod").host("server-a").orElseThrow()).orElseThrow().conf();
        assertThat(conf.endsWith("# server-a 192.0.2.155/24\n" + dashes)).as("the template is filled in").isTrue();
        assertThat(conf.split("# server-a 192.0.2.155/24\n", -1)).hasSize(10_001);
    }

    @Test
    void aLongRunOfSpacesInsideBracesIsReadInOnePass() throws Exception {
        // "{{" then 300,000 spaces and no "}}": a backtracking pattern would take minutes here.
        InventoryCopy c = new InventoryCopy(dir);
        String text = Files.readString(c.path(PF));
        Files.writeString(c.path(PF), "# {{" + " ".repeat(300_000) + "x\n" + text);
        assertThat(c.problems("prod")).singleElement().asString()
                .isEqualTo(YamlFile.displayName(c.path(PF)) + ":1:3: unclosed '{{' in template");
    }

}
