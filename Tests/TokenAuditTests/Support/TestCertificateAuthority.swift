import Crypto
import Foundation
import SwiftASN1
import X509

/// A throwaway certificate authority made in the test: a self-signed CA and
/// leaf certificates it signs (for 127.0.0.1 and localhost), written as PEM
/// files the way a user would hand them to the config.
struct TestCertificateAuthority {
    struct Identity {
        var certFile: String
        var keyFile: String
    }

    let directory: String
    let caFile: String
    private let caKey: P256.Signing.PrivateKey
    private let caName: DistinguishedName

    init(directory: String, name: String = "tokenaudit test CA") throws {
        self.directory = directory
        caKey = P256.Signing.PrivateKey()
        caName = try DistinguishedName { CommonName(name) }
        let now = Date()
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: .init(caKey))
        caFile = directory + "/\(name.replacingOccurrences(of: " ", with: "-"))-ca.pem"
        try ca.serializeAsPEM().pemString.write(toFile: caFile, atomically: true, encoding: .utf8)
    }

    /// A leaf certificate for `commonName`, valid for 127.0.0.1 and localhost,
    /// usable by servers and clients.
    func issue(_ commonName: String) throws -> Identity {
        let key = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400, issuer: caName,
            subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
            },
            issuerPrivateKey: .init(caKey))
        let identity = Identity(certFile: directory + "/\(commonName).pem", keyFile: directory + "/\(commonName)-key.pem")
        try certificate.serializeAsPEM().pemString.write(toFile: identity.certFile, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: identity.keyFile, atomically: true, encoding: .utf8)
        return identity
    }
}
