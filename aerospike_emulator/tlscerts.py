# Throw-away certificates for trying TLS against the emulator: make_certs() runs the
# `openssl` command to write a CA, a server certificate whose CN and SAN are the TLS name,
# a client certificate (with a plain and a password-protected key) and a second, unrelated
# CA into a directory. Used by the TLS tests (test/emulator, test/integration); users can
# call it from their own tests. Nothing here is fit for production use.

import os
import shutil
import subprocess

CLIENT_KEY_PASSWORD = "clientpw"

_EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


class CertError(RuntimeError):
    """The `openssl` command is missing or failed."""


def have_openssl():
    return shutil.which("openssl") is not None


def _run(args, cwd):
    env = dict(os.environ)
    # A sanitizer runtime preloaded for a client under test has no business in openssl.
    env.pop("LD_PRELOAD", None)
    try:
        proc = subprocess.run(
            ["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=60, env=env
        )
    except FileNotFoundError:
        raise CertError("the openssl command is not installed") from None
    if proc.returncode != 0:
        raise CertError("openssl %s failed: %s" % (args[0], proc.stderr.strip()))
    return proc.stdout


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)


def _ca(directory, stem, subject):
    args = "req -x509 -keyout {0}.key -out {0}.pem -days 3".format(stem).split()
    args += _EC_KEY + ["-subj", subject]
    args += ["-addext", "basicConstraints=critical,CA:TRUE"]
    args += ["-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    _run(args, directory)


def _leaf(directory, stem, cn, ca, usage, serial):
    ext = stem + ".ext"
    lines = [
        "basicConstraints=CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=%s" % usage,
    ]
    if usage == "serverAuth":
        lines.append("subjectAltName=DNS:%s" % cn)
    _write(os.path.join(directory, ext), "\n".join(lines) + "\n")
    args = "req -new -keyout {0}.key -out {0}.csr".format(stem).split()
    _run(args + _EC_KEY + ["-subj", "/CN=%s" % cn], directory)
    args = "x509 -req -in {0}.csr -CA {1}.pem -CAkey {1}.key -days 2 -out {0}.pem".format(
        stem, ca
    ).split()
    _run(args + ["-set_serial", str(serial), "-extfile", ext], directory)
    os.remove(os.path.join(directory, stem + ".csr"))
    os.remove(os.path.join(directory, ext))


def make_certs(directory, tls_name="aerospike-emulator", client_name="emulator-client"):
    """Writes the certificates into `directory` (created if needed) and returns a dict of
    paths: ca (CA certificate), capath (a directory holding it), ca_key, server_cert, server_key (CN and SAN `tls_name`),
    client_cert, client_key, client_key_encrypted (password CLIENT_KEY_PASSWORD),
    other_ca (a CA that signed none of them), plus tls_name and the serials
    (server_serial, client_serial, hex as `openssl x509 -serial` prints them)."""
    directory = os.path.abspath(directory)
    os.makedirs(directory, exist_ok=True)
    _ca(directory, "ca", "/O=aerospike-emulator/CN=Emulator Test CA")
    _ca(directory, "other-ca", "/O=elsewhere/CN=Unrelated Test CA")
    _leaf(directory, "server", tls_name, "ca", "serverAuth", 0x5E12)
    _leaf(directory, "client", client_name, "ca", "clientAuth", 0xC11E)
    args = "pkey -in client.key -aes256 -out client-encrypted.key".split()
    _run(args + ["-passout", "pass:" + CLIENT_KEY_PASSWORD], directory)
    # A CA directory as OpenSSL's capath wants it: the certificate named <subject hash>.0.
    capath = os.path.join(directory, "capath")
    os.makedirs(capath, exist_ok=True)
    digest = _run(["x509", "-hash", "-noout", "-in", "ca.pem"], directory).strip()
    shutil.copyfile(os.path.join(directory, "ca.pem"), os.path.join(capath, digest + ".0"))
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    return {
        "dir": directory,
        "tls_name": tls_name,
        "ca": path("ca.pem"),
        "capath": capath,
        "ca_key": path("ca.key"),
        "server_cert": path("server.pem"),
        "server_key": path("server.key"),
        "client_cert": path("client.pem"),
        "client_key": path("client.key"),
        "client_key_encrypted": path("client-encrypted.key"),
        "client_key_password": CLIENT_KEY_PASSWORD,
        "other_ca": path("other-ca.pem"),
        "server_serial": "5E12",
        "client_serial": "C11E",
    }
