package dev.nettyws.example;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Server TLS for the example: a certificate and key from PEM files, or a self-signed certificate made at start.
 *
 * <p>The self-signed certificate is made by the JDK's own {@code keytool} (run as a process, in the JDK that runs
 * the server), so no internal JDK API and no extra library (BouncyCastle) is needed: an EC P-256 key, valid for 30
 * days, for {@code localhost} and {@code 127.0.0.1}. Browsers warn about it; clients that should trust it can take
 * it from {@link SelfSigned#certificate()}. Called once at start-up; thread-safe.
 */
public final class Tls {
    /** HTTP/2 first, for browsers to carry the page and the chat's WebSocket on one connection (RFC 8441). */
    private static final ApplicationProtocolConfig ALPN = new ApplicationProtocolConfig(
        ApplicationProtocolConfig.Protocol.ALPN, ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2,
        ApplicationProtocolNames.HTTP_1_1);
    private static final char[] PASSWORD = "nettyws-example".toCharArray();
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    private Tls() {
    }

    /** A server context with a freshly made self-signed certificate, and that certificate. */
    public record SelfSigned(SslContext context, X509Certificate certificate) {
    }

    /**
     * A server context from PEM files.
     *
     * @param certChain the certificate chain, leaf first
     * @param key the private key, PKCS#8 PEM, not encrypted
     * @return the context
     * @throws SSLException if the files cannot be read or do not match
     */
    public static SslContext fromPem(File certChain, File key) throws SSLException {
        try {
            return SslContextBuilder.forServer(certChain, key).applicationProtocolConfig(ALPN).build();
        } catch (IllegalArgumentException e) {
            throw new SSLException("cannot use " + certChain + " and " + key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes a self-signed certificate with {@code keytool} and a server context for it.
     *
     * @return the context and the certificate
     * @throws IOException if keytool cannot be run or fails
     * @throws GeneralSecurityException if its key store cannot be read
     * @throws InterruptedException if interrupted while keytool runs
     */
    public static SelfSigned selfSigned() throws IOException, GeneralSecurityException, InterruptedException {
        Path dir = Files.createTempDirectory("nettyws-tls");
        Path store = dir.resolve("self-signed.p12");
        try {
            runKeytool(store);
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, PASSWORD);
            }
            PrivateKey key = (PrivateKey) keyStore.getKey("server", PASSWORD);
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("server");
            SslContext context = SslContextBuilder.forServer(key, certificate).applicationProtocolConfig(ALPN).build();
            return new SelfSigned(context, certificate);
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir.resolve("keytool.log"));
            Files.deleteIfExists(dir);
        }
    }

    private static void runKeytool(Path store) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        String password = new String(PASSWORD);
        Path log = store.resolveSibling("keytool.log");
        Process process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
            "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-validity", "30",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1",
            "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password,
            "-noprompt"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + process.exitValue() + "): "
                + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
    }
}
