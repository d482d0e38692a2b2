package dev.kvrag.engine.model;

/**
 * A checkpoint or config the engine cannot use: unsupported architecture or dtype, missing tensor, wrong
 * shape, truncated or malformed file. The message names the file or tensor and is meant for the user as is.
 */
public final class ModelFormatException extends IllegalArgumentException {

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
