// A self-signed certificate for 127.0.0.1 made with openssl, for the TLS tests; undefined (the
// caller skips, saying so) where openssl cannot make one.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export function selfSignedCert(dir: string): { cert: string; key: string } | undefined {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  try {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], {
      stdio: "ignore",
    });
  } catch {
    return undefined;
  }
  return { cert, key };
}
