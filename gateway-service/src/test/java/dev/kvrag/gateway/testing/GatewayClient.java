package dev.kvrag.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

/** A client of the gateway as a user's program is: real HTTP, every status read rather than thrown. */
public final class GatewayClient {

    /** One Server-Sent Event: its name (null for unnamed) and its data. */
    public record Event(String name, String data) {
    }

    /** A streamed response: its status, content type and events in arrival order. */
    public record Stream(int status, String contentType, List<Event> events, String body) {
    }

    private final String base;
    private final String key;
    private final RestClient http;

    public GatewayClient(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
        this.http = RestClient.create(base);
    }

    public ResponseEntity<Map<String, Object>> get(String path, Object... variables) {
        return http.get().uri(path, variables).headers(h -> auth(h)).retrieve().onStatus(s -> true, (q, r) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }

    public ResponseEntity<String> getText(String path) {
        return http.get().uri(path).headers(h -> auth(h)).retrieve().onStatus(s -> true, (q, r) -> { })
                .toEntity(String.class);
    }

    public ResponseEntity<Map<String, Object>> delete(String path, Object... variables) {
        return http.delete().uri(path, variables).headers(h -> auth(h)).retrieve().onStatus(s -> true, (q, r) -> { })
                .toEntity(new ParameterizedTypeReference<>() { });
    }

    public ResponseEntity<Map<String, Object>> post(String path, String json) {
        return post(path, MediaType.APPLICATION_JSON, json);
    }

    public ResponseEntity<Map<String, Object>> post(String path, MediaType type, String body) {
        return http.post().uri(path).headers(h -> auth(h)).contentType(type).body(body).retrieve()
                .onStatus(s -> true, (q, r) -> { }).toEntity(new ParameterizedTypeReference<>() { });
    }

    /** Posts JSON and reads the whole response as Server-Sent Events. */
    public Stream stream(String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Stream(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    events(response.body()), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : body.split("\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5);
                value = value.startsWith(" ") ? value.substring(1) : value;
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return events;
    }

    private void auth(org.springframework.http.HttpHeaders headers) {
        if (key != null) {
            headers.setBearerAuth(key);
        }
    }
}
