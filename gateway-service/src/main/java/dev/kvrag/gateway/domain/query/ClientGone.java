package dev.kvrag.gateway.domain.query;

/**
 * The client stopped listening to a streamed answer. Not a failure of any dependency: the worker finishes the
 * answer and its result stream expires unread.
 */
public final class ClientGone extends RuntimeException {

    public ClientGone(Throwable cause) {
        super("the client closed the stream: " + cause.getMessage(), cause, false, false);
    }
}
