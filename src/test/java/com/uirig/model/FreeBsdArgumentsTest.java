package com.uirig.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How FreeBSD's commands read what uirig hands them: ifconfig's words, doas and sudo. */
class FreeBsdArgumentsTest {
    @Test
    void ifconfigTakesABareWordAfterAFlagAsAnAddress() {
        // ifvlan.c: vlanhwtag is a flag; ifconfig.c: a word that is no keyword is an address.
        assertThat(IfconfigArgs.addresses(List.of("192.168.56.110/24", "vlanhwtag", "2222"))).containsExactly("192.168.56.110/24", "2222");
        assertThat(IfconfigArgs.addresses(List.of("vlanhwtag", "2222"))).containsExactly("2222");
        assertThat(IfconfigArgs.addresses(List.of("10.0.0.1/24", "mtu", "9000", "description", "uplink", "up", "-vlanhwtag")))
                .containsExactly("10.0.0.1/24");
        assertThat(IfconfigArgs.addresses(List.of("vlan", "2222", "vlandev", "em1", "10.1.0.1/24"))).containsExactly("10.1.0.1/24");
    }

    @Test
    void aNicIsConfiguredByItsRcConfLineAsOneCommand() {
        com.uirig.kinds.NicsKind.Nic nic = new com.uirig.kinds.NicsKind.Nic(IfName.parse("em1"), IfName.parse("inic"), Cidr.parseInterface("192.168.56.110/24"),
                List.of("vlanhwtag 2222", "mtu  9000"));
        assertThat(nic.ifconfigArgs()).containsExactly("192.168.56.110/24", "vlanhwtag", "2222", "mtu", "9000");
    }

    @Test
    void becomeWrapsTheWholeCommandAndRefusesWhatItDoesNotKnow() {
        assertThat(Become.NONE.wrap("ifconfig -a | head")).isEqualTo("ifconfig -a | head");
        assertThat(Become.DOAS.wrap("cat > '/x y'")).isEqualTo("doas -n /bin/sh -c 'cat > '\\''/x y'\\'''");
        assertThat(Become.SUDO.wrap("id")).isEqualTo("sudo -n /bin/sh -c id");
        assertThat(Become.parse("doas")).isEqualTo(Become.DOAS);
        assertThatThrownBy(() -> Become.parse("su")).hasMessage("unsupported become 'su': use doas, sudo or none");
    }
}
