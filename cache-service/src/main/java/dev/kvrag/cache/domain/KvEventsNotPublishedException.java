package dev.kvrag.cache.domain;

/**
 * The store changed but its kv-events did not reach the broker: workers may keep local copies of what was
 * removed until the change is announced again (repeating a document deletion does that).
 */
public final class KvEventsNotPublishedException extends RuntimeException {

    public KvEventsNotPublishedException(int events, String cause, Throwable error) {
        super(events + " kv-event(s) could not be published: " + cause, error);
    }
}
