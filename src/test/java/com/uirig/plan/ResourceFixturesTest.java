package com.uirig.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.uirig.Golden;
import com.uirig.config.Inventory;
import com.uirig.config.InventoryLoader;
import com.uirig.facts.FactsReader;
import com.uirig.facts.FactsStore;
import com.uirig.facts.FreshHost;
import com.uirig.facts.ObservedHost;
import com.uirig.model.DesiredHost;
import com.uirig.render.PlanText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Resource tests as data. Each directory under src/test/resources/resource-fixtures is one case:
 * <ul>
 * <li>{@code playbook.yml}: the sections of one host, {@code host}, in an inventory of its own
 *     (the harness writes its hosts.yml: address 192.0.2.1, nothing else);
 * <li>{@code observed/} (optional): what the host has, as {@code uirig facts --save} writes it (one
 *     {@code SECTION.txt} per section, {@code exit-codes}); without it, a freshly installed host;
 * <li>{@code plan.txt}: the expected plan, as {@code uirig plan} prints it (every command).
 * </ul>
 * The observed sections must answer the host's whole probe, as a real host's do. After a
 * deliberate change, regenerate with {@code mvn test -Dtest=ResourceFixturesTest -Duirig.updateGolden=true}.
 */
class ResourceFixturesTest {
    private static final Path ROOT = Path.of("src/test/resources/resource-fixtures");
    private static final Set<String> FILES = Set.of("playbook.yml", "observed", "plan.txt", "README");

    @TestFactory
    Stream<DynamicTest> everyFixture() throws IOException {
        return com.uirig.Fixtures.each(ROOT, FILES, d -> check(d));
    }

    private static void check(Path dir) throws IOException {
        Path inventory = Files.createTempDirectory("uirig-fixture");
        try {
            Files.copy(dir.resolve("playbook.yml"), inventory.resolve("playbook.yml"));
            Files.writeString(inventory.resolve("hosts.yml"), "playbooks: [playbook.yml]\nhosts:\n  host:\n"
                    + "    ssh: {address: 192.0.2.1, user: root}\n", StandardCharsets.UTF_8);
            Inventory inv = InventoryLoader.load(inventory);
            DesiredHost host = inv.hosts().get(0);
            var probe = ProbeSections.of(host);
            ObservedHost observed;
            Path saved = dir.resolve("observed");
            if (Files.isDirectory(saved)) {
                var sections = FactsStore.load(saved);
                var facts = FactsReader.read(host.name(), sections, probe.sectionNames(), probe.facts());
                assertThat(facts.unknown()).as("%s: sections of the probe that observed/ lacks", dir).isEmpty();
                assertThat(facts.unreadable()).as("%s: sections the parsers refuse", dir).isEmpty();
                observed = facts.observed();
            } else {
                observed = FreshHost.of(host.name(), com.uirig.plan.Kinds.freshNics(host), probe.facts());
            }
            Plan plan = Planner.plan(inv.hosts(), Map.of(host.name(), observed));
            Golden.assertMatches(dir.resolve("plan.txt"), PlanText.render(plan));
        } finally {
            try (Stream<Path> s = Files.walk(inventory)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
