package com.uirig.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"10.0.2", "10.0.2.1.5", "10.0.2.256", "10.0.02.1", "10.0.2.-1", "a.b.c.d", "", "10..2.1"})
    void invalidIpv4AddressesAreRefused(String text) {
        assertThatThrownBy(() -> Ipv4.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid IPv4 address '" + text + "'");
    }

    @Test
    void ipv4RoundTrips() {
        assertThat(Ipv4.parse("192.168.56.110")).hasToString("192.168.56.110");
        assertThat(Ipv4.parse("255.255.255.255").compareTo(Ipv4.parse("0.0.0.0"))).isPositive();
    }

    @Test
    void cidrNetworksContainAndOverlap() {
        Cidr xbridge = Cidr.parseInterface("10.0.2.1/24");
        assertThat(xbridge.networkText()).isEqualTo("10.0.2.0/24");
        assertThat(xbridge.contains(Ipv4.parse("10.0.2.40"))).isTrue();
        assertThat(xbridge.contains(Ipv4.parse("10.0.3.40"))).isFalse();
        assertThat(xbridge.overlaps(Cidr.parseEntry("10.0.0.0/8"))).isTrue();
        assertThat(xbridge.overlaps(Cidr.parseEntry("10.0.3.0/24"))).isFalse();
        assertThat(Cidr.parseEntry("0.0.0.0/0").overlaps(xbridge)).isTrue();
        assertThat(Cidr.parseEntry("66.111.4.7").entryText()).isEqualTo("66.111.4.7");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.2.1", "10.0.2.1/33", "10.0.2.1/", "10.0.2.1/x", "10.0.2/24"})
    void interfaceAddressesNeedAValidPrefix(String text) {
        assertThatThrownBy(() -> Cidr.parseInterface(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid CIDR '" + text + "'");
    }

    @Test
    void interfaceNamesHaveAtMostFifteenCharacters() {
        assertThat(IfName.parse("abcdefghijklmno")).hasToString("abcdefghijklmno");
        assertThatThrownBy(() -> IfName.parse("abcdefghijklmnop"))
                .hasMessage("interface name 'abcdefghijklmnop' is 16 characters long; FreeBSD allows at most 15");
        assertThatThrownBy(() -> IfName.parse("ngx a")).hasMessageContaining("invalid interface name");
        assertThat(IfName.parse("em0.2222").rcName()).isEqualTo("em0_2222");
    }

    @Test
    void endpointsTakeBracketsOrNot() {
        assertThat(Endpoint.parse("192.168.56.41:5433")).isEqualTo(Endpoint.parse("[192.168.56.41]:5433"));
        assertThat(Endpoint.parse("10.0.4.40:5432")).hasToString("[10.0.4.40]:5432");
        assertThatThrownBy(() -> Endpoint.parse("10.0.4.40")).hasMessageContaining("expected ADDRESS:PORT");
        assertThatThrownBy(() -> Endpoint.parse("10.0.4.40:70000")).hasMessageContaining("invalid port 70000");
    }
}
