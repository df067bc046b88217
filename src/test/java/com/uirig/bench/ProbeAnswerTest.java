package com.uirig.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.facts.Probe;
import com.uirig.model.DesiredHost;
import com.uirig.model.Shell;
import com.uirig.plan.PlanTestSupport;
import com.uirig.plan.ProbeSections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The light hosts print what the probe's shell function prints: uirig cuts it back into the saved sections. */
class ProbeAnswerTest {
    @Test
    void theAnswerSplitsBackIntoTheSavedSections() {
        var inv = PlanTestSupport.prod();
        DesiredHost a = inv.hosts().get(0);
        Map<String, Probe.Section> saved = ConvergedSections.of(a, PlanTestSupport.converged(inv).get(a.name()));
        Probe probe = ProbeSections.of(a, true);
        ProbeAnswer answer = ProbeAnswer.of(probe.script(), saved);
        assertThat(answer.missing).isEmpty();
        Map<String, Probe.Section> split = probe.split(answer.stdout);
        probe.requireAll(split);
        assertThat(split).isEqualTo(saved);
    }

    @Test
    void aSectionWithoutSavedOutputIsNamedNotMadeUp() {
        Probe probe = Probe.ofCommands(Map.of("ifconfig", "ifconfig -a"));
        ProbeAnswer answer = ProbeAnswer.of(probe.script(), Map.of());
        assertThat(answer.missing).containsExactly("ifconfig");
        assertThat(answer.stdout).isEmpty();
    }

    @Test
    void wordsAreReadAsShellQuoteWritesThem() {
        String quoted = Shell.quote("it's /a b") + " " + Shell.quote("plain/word");
        assertThat(ProbeAnswer.words(quoted)).isEqualTo(List.of("it's /a b", "plain/word"));
    }
}
