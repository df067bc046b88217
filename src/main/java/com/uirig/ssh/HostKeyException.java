package com.uirig.ssh;

/** A host offered a key that is not trusted: unknown, changed or revoked. Never accepted silently. */
public final class HostKeyException extends java.io.IOException {
    public HostKeyException(String message) {
        super(message);
    }
}
