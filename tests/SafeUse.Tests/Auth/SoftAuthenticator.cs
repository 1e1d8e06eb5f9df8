using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SafeUse.Tests.Auth;

/// <summary>
/// A passkey authenticator in software, as a browser and a platform authenticator together would answer: ECDSA P-256
/// keys, "none" attestation, discoverable credentials. It reads the options SafeUse sends and writes the JSON
/// /js/passkey.js would post. Its origin, relying party id, user verification and counter can be set wrong on purpose.
/// </summary>
internal sealed class SoftAuthenticator(string origin = "http://localhost", string rpId = "localhost")
{
    // WebAuthn §6.1 authenticator data flags.
    private const byte UserPresent = 0x01;
    private const byte UserVerifiedFlag = 0x04;
    private const byte AttestedCredentialData = 0x40;

    private readonly List<Credential> credentials = [];

    public string Origin { get; set; } = origin;

    public string RpId { get; set; } = rpId;

    /// <summary>Whether the person unlocked it (PIN, fingerprint): the UV flag.</summary>
    public bool UserVerified { get; set; } = true;

    /// <summary>The credential ids it holds, base64url, oldest first.</summary>
    public IReadOnlyList<string> CredentialIds => credentials.Select(c => Base64Url.EncodeToString(c.Id)).ToList();

    /// <summary>Winds a credential's counter back: its next assertion sends <paramref name="value"/> + 1 (as a copy of the key would).</summary>
    public void SetCounter(int index, uint value) => credentials[index].Counter = value;

    /// <summary>Answers navigator.credentials.create(options): a new key pair, refused when the options exclude one it holds.</summary>
    public string Create(string optionsJson)
    {
        var options = JsonNode.Parse(optionsJson)!;
        var excluded = options["excludeCredentials"]?.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToHashSet() ?? [];
        if (credentials.Any(c => excluded.Contains(Base64Url.EncodeToString(c.Id))))
        {
            throw new InvalidOperationException("InvalidStateError: the authenticator already holds an excluded credential");
        }

        var credential = new Credential(RandomNumberGenerator.GetBytes(16), ECDsa.Create(ECCurve.NamedCurves.nistP256), Base64Url.DecodeFromChars(options["user"]!["id"]!.GetValue<string>()));
        credentials.Add(credential);
        var clientData = ClientData("webauthn.create", options["challenge"]!.GetValue<string>());

        var authData = new List<byte>();
        authData.AddRange(AuthDataHeader((byte)(UserPresent | (UserVerified ? UserVerifiedFlag : 0) | AttestedCredentialData), credential.Counter));
        authData.AddRange(new byte[16]); // AAGUID: zeros, as with "none" attestation
        var length = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)credential.Id.Length);
        authData.AddRange(length);
        authData.AddRange(credential.Id);
        authData.AddRange(CoseKey(credential.Key));

        var attestation = new CborWriter(CborConformanceMode.Lax);
        attestation.WriteStartMap(3);
        attestation.WriteTextString("fmt");
        attestation.WriteTextString("none");
        attestation.WriteTextString("attStmt");
        attestation.WriteStartMap(0);
        attestation.WriteEndMap();
        attestation.WriteTextString("authData");
        attestation.WriteByteString(authData.ToArray());
        attestation.WriteEndMap();

        return JsonSerializer.Serialize(new
        {
            id = Base64Url.EncodeToString(credential.Id),
            rawId = Base64Url.EncodeToString(credential.Id),
            type = "public-key",
            response = new
            {
                attestationObject = Base64Url.EncodeToString(attestation.Encode()),
                clientDataJSON = Base64Url.EncodeToString(clientData),
                transports = new[] { "internal" },
            },
            clientExtensionResults = new { },
        });
    }

    /// <summary>
    /// Answers navigator.credentials.get(options): with the allowed credential it holds, or (no list: a usernameless
    /// sign-in) the one at <paramref name="index"/>, the newest by default.
    /// </summary>
    public string Get(string optionsJson, int? index = null)
    {
        var options = JsonNode.Parse(optionsJson)!;
        var allowed = options["allowCredentials"]?.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToHashSet() ?? [];
        var credential = index is { } i ? credentials[i]
            : allowed.Count > 0 ? credentials.Last(c => allowed.Contains(Base64Url.EncodeToString(c.Id)))
            : credentials[^1];
        return Sign(credential, options["challenge"]!.GetValue<string>());
    }

    /// <summary>An assertion for a challenge not asked for through this call (a replay, or another person's key).</summary>
    public string Sign(int index, string challenge) => Sign(credentials[index], challenge);

    private string Sign(Credential credential, string challenge)
    {
        credential.Counter++;
        var clientData = ClientData("webauthn.get", challenge);
        var authData = AuthDataHeader((byte)(UserPresent | (UserVerified ? UserVerifiedFlag : 0)), credential.Counter);
        var signature = credential.Key.SignData([.. authData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return JsonSerializer.Serialize(new
        {
            id = Base64Url.EncodeToString(credential.Id),
            rawId = Base64Url.EncodeToString(credential.Id),
            type = "public-key",
            response = new
            {
                authenticatorData = Base64Url.EncodeToString(authData),
                clientDataJSON = Base64Url.EncodeToString(clientData),
                signature = Base64Url.EncodeToString(signature),
                userHandle = Base64Url.EncodeToString(credential.UserHandle),
            },
            clientExtensionResults = new { },
        });
    }

    private byte[] ClientData(string type, string challenge) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type, challenge, origin = Origin, crossOrigin = false }));

    private byte[] AuthDataHeader(byte flags, uint counter)
    {
        var header = new byte[37];
        SHA256.HashData(Encoding.UTF8.GetBytes(RpId)).CopyTo(header, 0);
        header[32] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(33), counter);
        return header;
    }

    /// <summary>The public key as a COSE_Key (RFC 9053): EC2, ES256, P-256, x and y.</summary>
    private static byte[] CoseKey(ECDsa key)
    {
        var p = key.ExportParameters(false);
        var cose = new CborWriter(CborConformanceMode.Lax);
        cose.WriteStartMap(5);
        cose.WriteInt32(1);
        cose.WriteInt32(2);
        cose.WriteInt32(3);
        cose.WriteInt32(-7);
        cose.WriteInt32(-1);
        cose.WriteInt32(1);
        cose.WriteInt32(-2);
        cose.WriteByteString(p.Q.X!);
        cose.WriteInt32(-3);
        cose.WriteByteString(p.Q.Y!);
        cose.WriteEndMap();
        return cose.Encode();
    }

    private sealed class Credential(byte[] id, ECDsa key, byte[] userHandle)
    {
        public byte[] Id { get; } = id;
        public ECDsa Key { get; } = key;
        public byte[] UserHandle { get; } = userHandle;
        public uint Counter { get; set; }
    }
}
