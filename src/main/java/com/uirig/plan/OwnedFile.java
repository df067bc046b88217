package com.uirig.plan;

import java.util.Optional;

/** A file uirig writes on a host. A secret has no content here: it only exists on hosts. */
public record OwnedFile(String path, Optional<String> content, String mode, String owner, String description) {
    public static OwnedFile text(String path, String content, String mode, String owner) {
        return new OwnedFile(path, Optional.of(content), mode, owner, "");
    }

    public static OwnedFile secret(String path, String mode, String owner, String description) {
        return new OwnedFile(path, Optional.empty(), mode, owner, description);
    }

    public boolean isSecret() {
        return content.isEmpty();
    }
}
