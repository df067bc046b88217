package com.uirig.model;

/**
 * How a non-root login runs uirig's commands as root: FreeBSD refuses root logins over SSH by
 * default (crypto/openssh/sshd_config: PermitRootLogin no), so operators log in as a wheel user
 * and use doas (security/doas) or sudo (security/sudo). Both must be allowed without a password:
 * an SSH exec channel has no terminal to ask on.
 */
public enum Become {
    NONE(""),
    DOAS("doas -n /bin/sh -c "),
    SUDO("sudo -n /bin/sh -c ");

    private final String prefix;

    Become(String prefix) {
        this.prefix = prefix;
    }

    /** The value as written in an inventory ({@code become: doas}); anything else is refused. */
    public static Become parse(String text) {
        return switch (text) {
            case "doas" -> DOAS;
            case "sudo" -> SUDO;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unsupported become '" + text + "': use doas, sudo or none");
        };
    }

    /** The command as the login runs it: the whole shell command, as root. */
    public String wrap(String command) {
        return this == NONE ? command : prefix + Shell.quote(command);
    }

    /** The program's name as its own error messages start ("doas: ..."). */
    public String program() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
