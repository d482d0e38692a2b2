package dev.kvrag.common.events;

/** Event bytes that cannot be read: not JSON, a missing or mistyped field, an unknown schema version. */
public final class EventFormatException extends IllegalArgumentException {

    public EventFormatException(String message) {
        super(message);
    }
}
