package com.uirig.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The observed state as a map of typed keys: what a key not set reads as, and what equals compares. */
class ObservedHostTest {
    private static final Fact<Set<String>> FACT = new Fact<>("test/fact", "true", (exit, output) -> Set.of(output), Set.of());

    @Test
    void aKeyNotSetReadsAsAbsentAndAKeySetToAbsentIsNotSet() {
        ObservedHost empty = ObservedHost.of("h");
        assertThat(empty.get(HostState.PF)).isEqualTo(new ObservedHost.PfState(false, false, false, false, Map.of()));
        assertThat(empty.get(HostState.DEFAULT_ROUTE)).isEmpty();
        assertThat(empty.fact(FACT)).isEmpty();
        assertThat(empty.with(HostState.FILES, new java.util.LinkedHashMap<>()).with(HostState.DEFAULT_ROUTE, Optional.empty()))
                .isEqualTo(empty);
        assertThat(empty.with(HostState.DEFAULT_ROUTE, Optional.of("192.0.2.1"))).isNotEqualTo(empty);
    }

    @Test
    void aKindsFactIsFoundByItsSectionAndListedApartFromTheBuiltInKeys() {
        ObservedHost o = ObservedHost.of("h").with(HostState.JAIL_ROOTS, Set.of("/jails/a"))
                .withFacts(Map.of("test/fact", Set.of("x")));
        assertThat(o.fact(FACT)).contains(Set.of("x"));
        assertThat(o).isEqualTo(ObservedHost.of("h").with(FACT.key(), Set.of("x")).with(HostState.JAIL_ROOTS, Set.of("/jails/a")));
        assertThat(o.kindFacts()).containsExactly(Map.entry("test/fact", Set.of("x")));
    }
}
