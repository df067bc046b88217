package com.uirig.facts;

/**
 * One fact a resource kind reads from a host: the probe section it is printed in, the command
 * that prints it, a pure parser of the command's exit code and output, and what a freshly
 * installed host has (for {@code plan --offline}). The probe runs the commands of the facts that
 * a host's resources declare; the parsed value is set under {@link #key()} and {@link
 * ObservedHost#fact} gives it back.
 *
 * @param section the section's name, which is also its file under {@code facts --save}
 * @param fresh the value on a freshly installed FreeBSD host
 */
public record Fact<T>(String section, String command, Parser<T> parser, T fresh) {
    /**
     * Turns a command's exit code and standard output into the fact. A failed command is often
     * the fact itself (ifconfig: no such interface); output the command cannot have printed is an
     * {@link UnreadableOutput}, and the host is then not used.
     */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(int exit, String output);
    }

    public T parse(int exit, String output) {
        return parser.parse(exit, output);
    }

    /** Its key in the observed state: its section, absent (null) when the section was not read. */
    public ObservedHost.Key<T> key() {
        return new ObservedHost.Key<>(section, null);
    }

    /** The key of the fact printed in {@code section}, for facts known by their section only. */
    public static ObservedHost.Key<Object> key(String section) {
        return new ObservedHost.Key<>(section, null);
    }
}
