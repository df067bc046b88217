package com.uirig.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The registered playbook sections, in registration order: one line per kind in
 * {@code META-INF/services/com.uirig.config.PlaybookSection} (java.util.ServiceLoader). Order
 * matters where a kind refers to another: lagg is registered before vlan, whose parent may be a lagg.
 */
public final class PlaybookSections {
    private static final List<PlaybookSection<?>> ALL = ServiceLoader.load(PlaybookSection.class).stream()
            .<PlaybookSection<?>>map(ServiceLoader.Provider::get).toList();

    private PlaybookSections() {}

    public static List<PlaybookSection<?>> all() {
        return ALL;
    }

    /** The interfaces the registered sections make on {@code host}, in registration order. */
    public static List<PlaybookSection.Interface> interfaces(com.uirig.model.DesiredHost host) {
        List<PlaybookSection.Interface> out = new java.util.ArrayList<>();
        for (PlaybookSection<?> s : ALL) {
            out.addAll(interfacesOf(s, host));
        }
        return out;
    }

    private static <S> List<PlaybookSection.Interface> interfacesOf(PlaybookSection<S> section, com.uirig.model.DesiredHost host) {
        return host.kinds().get(section.key(), section.specType()).map(section::definedInterfaces).orElse(List.of());
    }

    /** The interfaces the registered sections give to something that takes each whole (a bridge), in registration order. */
    public static List<PlaybookSection.InterfaceUse> interfaceUses(com.uirig.model.DesiredHost host) {
        List<PlaybookSection.InterfaceUse> out = new java.util.ArrayList<>();
        for (PlaybookSection<?> s : ALL) {
            out.addAll(usesOf(s, host));
        }
        return out;
    }

    private static <S> List<PlaybookSection.InterfaceUse> usesOf(PlaybookSection<S> section, com.uirig.model.DesiredHost host) {
        return host.kinds().get(section.key(), section.specType()).map(section::interfaceUses).orElse(List.of());
    }

    /** The jails the registered sections define on {@code host}, by name. */
    public static List<String> jailNames(com.uirig.model.DesiredHost host) {
        List<String> out = new java.util.ArrayList<>();
        for (PlaybookSection<?> s : ALL) {
            out.addAll(jailNamesOf(s, host));
        }
        return out;
    }

    private static <S> List<String> jailNamesOf(PlaybookSection<S> section, com.uirig.model.DesiredHost host) {
        return host.kinds().get(section.key(), section.specType()).map(section::jailNames).orElse(List.of());
    }

    /** The files each registered section writes on {@code host}, by the section's key, in registration order. */
    public static Map<String, List<PlaybookSection.WrittenFile>> writtenFiles(com.uirig.model.DesiredHost host) {
        Map<String, List<PlaybookSection.WrittenFile>> out = new LinkedHashMap<>();
        for (PlaybookSection<?> s : ALL) {
            out.put(s.key(), writtenFilesOf(s, host));
        }
        return out;
    }

    private static <S> List<PlaybookSection.WrittenFile> writtenFilesOf(PlaybookSection<S> section, com.uirig.model.DesiredHost host) {
        return host.kinds().get(section.key(), section.specType()).map(spec -> section.writtenFiles(spec, host)).orElse(List.of());
    }

    public static List<String> keys() {
        return ALL.stream().map(PlaybookSection::key).toList();
    }
}
