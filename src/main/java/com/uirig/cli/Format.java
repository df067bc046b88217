package com.uirig.cli;

/** {@code --output}: what every command prints its result as. Any other value is a usage error. */
enum Format { text, json }
