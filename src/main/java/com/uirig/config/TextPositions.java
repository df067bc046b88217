package com.uirig.config;

/**
 * Line and column of offsets in a text, asked for in increasing order while a template is
 * expanded: each answer goes on from the last, so a text with many {@code {{ }}} is scanned once.
 */
final class TextPositions {
    private final String text;
    private final String file;
    private int offset;
    private int line = 1;
    private int lineStart;

    TextPositions(String text, String file) {
        this.text = text;
        this.file = file;
    }

    Location at(int target) {
        if (target < offset) {
            offset = 0;
            line = 1;
            lineStart = 0;
        }
        for (; offset < target; offset++) {
            if (text.charAt(offset) == '\n') {
                line++;
                lineStart = offset + 1;
            }
        }
        return new Location(file, line, target - lineStart + 1);
    }
}
