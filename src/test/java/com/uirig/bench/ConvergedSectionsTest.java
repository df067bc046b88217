package com.uirig.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.cli.Main;
import com.uirig.config.Inventory;
import com.uirig.facts.FactsStore;
import com.uirig.model.DesiredHost;
import com.uirig.plan.PlanTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The light-host benchmark's facts are right: prod's hosts, saved as their converged probe
 * output, are checked in sync by {@code uirig check --facts} (every section read by its parser,
 * none missing, nothing planned). Only the facts are tested; the benchmark's figures never are.
 */
class ConvergedSectionsTest {
    @TempDir
    Path dir;

    @Test
    void convergedProdHostsSavedAsProbeOutputAreCheckedInSync() throws Exception {
        Inventory inv = PlanTestSupport.prod();
        var converged = PlanTestSupport.converged(inv);
        for (DesiredHost h : inv.hosts()) {
            FactsStore.save(ConvergedSections.of(h, converged.get(h.name())), dir.resolve(h.name()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"check", "inventory/prod", "--facts", dir.toString(), "-v"},
                new PrintWriter(out), new PrintWriter(err));
        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).contains("server-a: in sync", "server-b: in sync").doesNotContain("drift");
        assertThat(code).isZero();
    }
}
