package dev.kvrag.kvstore.redis;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One of the store's Lua scripts ({@code lib.lua} followed by the script's own file), run by its SHA-1 and sent
 * in full only when Redis does not know it (a restarted or flushed server).
 */
final class LuaScript {

    private static final byte[][] NO_KEYS = new byte[0][];

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        this.sha = sha1Hex(source.getBytes(StandardCharsets.UTF_8));
    }

    static LuaScript load(String name) {
        return new LuaScript(resource("lib.lua") + resource(name + ".lua"));
    }

    <T> T call(RedisCommands<byte[], byte[]> redis, ScriptOutputType type, byte[]... args) {
        try {
            return redis.evalsha(sha, type, NO_KEYS, args);
        } catch (RedisNoScriptException unknown) {
            return redis.eval(source, type, NO_KEYS, args);
        }
    }

    <T> CompletionStage<T> callAsync(RedisAsyncCommands<byte[], byte[]> redis, ScriptOutputType type,
                                     byte[]... args) {
        RedisFuture<T> bySha = redis.evalsha(sha, type, NO_KEYS, args);
        return bySha.handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            if (error instanceof RedisNoScriptException) {
                return redis.<T>eval(source, type, NO_KEYS, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(error);
        }).thenCompose(stage -> stage);
    }

    static String sha1Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    }

    private static String resource(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("kv-store script " + file + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
