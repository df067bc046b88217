package com.uirig.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * Host keys trusted for uirig's hosts: a key pinned in the inventory, else the OpenSSH
 * known_hosts file under orchestrator/ (plain or hashed host names, {@code [host]:port} for
 * other ports, {@code @revoked} lines honoured).
 */
public final class KnownHosts {
    /** What checking an offered key found. */
    public enum Verdict { TRUSTED, UNKNOWN, CHANGED, REVOKED }

    private record Line(String marker, List<String> hosts, String key) {}

    private final Optional<Path> file;
    private final Optional<String> pinned;

    public KnownHosts(Optional<Path> file, Optional<String> pinned) {
        this.file = file;
        this.pinned = pinned.map(KnownHosts::normalise);
    }

    /** {@code ssh-ed25519 AAAA...} for a key. */
    public static String openSsh(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** The key's SHA256 fingerprint as ssh-keygen -l prints it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(KeyUtils.getDefaultFingerPrintFactory(), key);
    }

    /** The host name as known_hosts writes it. */
    public static String hostField(String address, int port) {
        return port == 22 ? address : "[" + address + "]:" + port;
    }

    public Verdict check(String address, int port, PublicKey offered) throws IOException {
        String key = normalise(openSsh(offered));
        if (pinned.isPresent()) {
            return pinned.get().equals(key) ? Verdict.TRUSTED : Verdict.CHANGED;
        }
        String host = hostField(address, port);
        boolean known = false;
        for (Line l : lines()) {
            if (!matches(l.hosts(), host)) {
                continue;
            }
            if ("@revoked".equals(l.marker())) {
                if (l.key().equals(key)) {
                    return Verdict.REVOKED;
                }
                continue;
            }
            if (l.marker() != null) {
                continue;
            }
            if (l.key().equals(key)) {
                return Verdict.TRUSTED;
            }
            if (l.key().split(" ")[0].equals(key.split(" ")[0])) {
                known = true;
            }
        }
        return known ? Verdict.CHANGED : Verdict.UNKNOWN;
    }

    /** Records {@code offered} for the host, replacing keys of the same type recorded before. */
    public void trust(String address, int port, PublicKey offered) throws IOException {
        Path f = file.orElseThrow(() -> new IOException("no known_hosts file is set in the inventory (ssh.known_hosts)"));
        String host = hostField(address, port);
        String key = normalise(openSsh(offered));
        String type = key.split(" ")[0];
        List<String> out = new ArrayList<>();
        if (Files.exists(f)) {
            for (String raw : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                Line l = parse(raw);
                boolean replaced = l != null && l.marker() == null && l.hosts().size() == 1 && l.hosts().get(0).equals(host)
                        && l.key().split(" ")[0].equals(type);
                if (!replaced) {
                    out.add(raw);
                }
            }
        } else if (f.getParent() != null) {
            Files.createDirectories(f.getParent());
        }
        out.add(host + " " + key);
        Path tmp = f.resolveSibling(f.getFileName() + ".uirig-new");
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** A file's lines as parsed, with what identified the file's version when it was read. */
    private record Parsed(Object version, List<Line> lines) {}

    /**
     * Parsed files, shared by every check of a run: each connection checks its host's key, so
     * re-reading the file per connection made a run's work grow with the square of its hosts. A
     * file that changed since (its inode, size or modification time: trust() replaces it) is read again.
     */
    private static final Map<Path, Parsed> PARSED = new ConcurrentHashMap<>();

    private List<Line> lines() throws IOException {
        if (file.isEmpty() || !Files.exists(file.get())) {
            return List.of();
        }
        Path f = file.get().toAbsolutePath();
        var attributes = Files.readAttributes(f, BasicFileAttributes.class);
        Object version = List.of(String.valueOf(attributes.fileKey()), attributes.size(), attributes.lastModifiedTime());
        Parsed cached = PARSED.get(f);
        if (cached != null && cached.version().equals(version)) {
            return cached.lines();
        }
        List<Line> out = new ArrayList<>();
        for (String raw : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            Line l = parse(raw);
            if (l != null) {
                out.add(l);
            }
        }
        PARSED.put(f, new Parsed(version, List.copyOf(out)));
        return out;
    }

    private static Line parse(String raw) {
        String line = raw.trim();
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] f = line.split("\\s+");
        int i = 0;
        String marker = null;
        if (f[0].startsWith("@")) {
            marker = f[0];
            i = 1;
        }
        if (f.length < i + 3) {
            return null;
        }
        return new Line(marker, List.of(f[i].split(",")), f[i + 1] + " " + f[i + 2]);
    }

    private static boolean matches(List<String> patterns, String host) {
        boolean match = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            String pattern = negated ? p.substring(1) : p;
            boolean hit = pattern.startsWith("|1|") ? hashedMatch(pattern, host) : glob(pattern, host);
            if (hit && negated) {
                return false;
            }
            match |= hit;
        }
        return match;
    }

    private static boolean glob(String pattern, String host) {
        if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0) {
            return pattern.equals(host);
        }
        String regex = pattern.replace(".", "\\.").replace("[", "\\[").replace("]", "\\]").replace("*", ".*").replace("?", ".");
        return host.matches(regex);
    }

    private static boolean hashedMatch(String pattern, String host) {
        String[] parts = pattern.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(parts[2]), "HmacSHA1"));
            byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash).equals(parts[3]);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalise(String key) {
        String[] f = key.trim().split("\\s+");
        return f.length >= 2 ? f[0] + " " + f[1] : key.trim();
    }
}
