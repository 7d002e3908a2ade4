package dev.nettyws.internal;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.ReadOnlyHttpHeaders;
import java.util.Iterator;
import java.util.Map;

/** Read-only copies of header sets, for what the public API hands out. Stateless. */
public final class ReadOnlyHeaders {
    private ReadOnlyHeaders() {
    }

    /** {@code headers} if it is read-only already, else a read-only copy of it. */
    public static HttpHeaders copyOf(HttpHeaders headers) {
        if (headers instanceof ReadOnlyHttpHeaders) {
            return headers;
        }
        CharSequence[] nameValuePairs = new CharSequence[headers.size() * 2];
        int i = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            nameValuePairs[i++] = header.getKey();
            nameValuePairs[i++] = header.getValue();
        }
        return new ReadOnlyHttpHeaders(false, nameValuePairs);
    }
}
