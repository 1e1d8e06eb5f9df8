namespace SafeUse.Features.Policies;

/// <summary>SafeUse's own model staff acceptable use policy, a template a school can start from.</summary>
internal static class ModelPolicy
{
    public const string ResourceName = "model-staff-aup.md";

    private static readonly Lazy<string> Text = new(() =>
    {
        using var stream = typeof(ModelPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    });

    /// <summary>The whole template, signature slip included, as a school would download it.</summary>
    public static string Markdown => Text.Value;

    /// <summary>The text staff read, without the paper signature slip (SafeUse records the signature itself).</summary>
    public static string Body
    {
        get
        {
            var slip = Text.Value.LastIndexOf("\n## ", StringComparison.Ordinal);
            return slip > 0 && Text.Value[slip..].Contains("Declaration", StringComparison.OrdinalIgnoreCase) ? Text.Value[..slip].TrimEnd() + "\n" : Text.Value;
        }
    }
}
