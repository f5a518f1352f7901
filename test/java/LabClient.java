/*
 * Test lab TLS client (JSSE SSLSocket) for mtls-doctor tests.
 *
 * Usage: java [-Djavax.net.debug=ssl:handshake] -cp DIR LabClient key=value...
 *   port=N [host=127.0.0.1] [keystore=F password=P] keyManager=SunX509|PKIX [truststore=F trustpass=P] tls=1.2|1.3
 *   Without truststore the server certificate is not checked (the lab tests client authentication).
 *
 * Connects, handshakes, writes "GET /", reads one line, then prints exactly one line starting with "RESULT ":
 *   "RESULT ok protocol=<p> cipher=<c> response=<first line>"
 *   "RESULT error stage=handshake|application-data <exception class>: <message>[ <- cause...]"
 */
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

public class LabClient {
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int i = a.indexOf('=');
            if (i > 0) o.put(a.substring(0, i), a.substring(i + 1));
        }
        KeyManager[] kms = null;
        if (o.containsKey("keystore")) {
            char[] pw = o.getOrDefault("password", "changeit").toCharArray();
            KeyStore ks = KeyStore.getInstance(new File(o.get("keystore")), pw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(o.getOrDefault("keyManager", "SunX509"));
            kmf.init(ks, pw);
            kms = kmf.getKeyManagers();
        }
        TrustManager[] tms;
        if (o.containsKey("truststore")) {
            KeyStore ts = KeyStore.getInstance(new File(o.get("truststore")), o.getOrDefault("trustpass", "changeit").toCharArray());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            tms = tmf.getTrustManagers();
        } else {
            tms = new TrustManager[] { new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {}
                public void checkServerTrusted(X509Certificate[] c, String a) {}
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            } };
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, tms, null);
        String stage = "connect";
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new InetSocketAddress(o.getOrDefault("host", "127.0.0.1"), Integer.parseInt(o.get("port"))), 10000);
            s.setSoTimeout(10000);
            s.setEnabledProtocols(new String[] { "TLSv" + o.getOrDefault("tls", "1.3") });
            stage = "handshake";
            s.startHandshake();
            stage = "application-data";
            OutputStream w = s.getOutputStream();
            w.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            w.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String line = r.readLine();
            if (line == null) {
                System.out.println("RESULT error stage=application-data EOF: server closed without response");
            } else {
                System.out.println("RESULT ok protocol=" + s.getSession().getProtocol() + " cipher=" + s.getSession().getCipherSuite() + " response=" + line);
            }
        } catch (Throwable e) {
            StringBuilder sb = new StringBuilder();
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c != e) sb.append(" <- ");
                sb.append(c.getClass().getName()).append(": ").append(String.valueOf(c.getMessage()).replace('\n', ' '));
                if (c.getCause() == c) break;
            }
            System.out.println("RESULT error stage=" + stage + " " + sb);
        }
        System.out.flush();
    }
}
