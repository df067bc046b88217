package com.uirig.config;

import java.util.List;
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

    public static List<String> keys() {
        return ALL.stream().map(PlaybookSection::key).toList();
    }
}
