namespace SafeUse.Features.SignOff;

internal sealed class SignOffOptions
{
    public const string Section = "SafeUse";

    /// <summary>The address used when neither a public URL nor a listening address is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>
    /// The address staff use to reach SafeUse, for every link in every email. When it is not configured, the first
    /// address the server listens on (<c>urls</c>) is used, with a wildcard host read as localhost.
    /// </summary>
    public string PublicUrl { get; set; } = "";

    /// <summary>How often reminders, escalations, joiners and review notices are worked out.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromMinutes(15);

    public static string FromListenAddresses(string? urls)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null)
        {
            return DefaultUrl;
        }

        // Kestrel's wildcard forms (http://*:80, http://+:80, http://0.0.0.0:80, http://[::]:80) are not addresses a browser can open.
        foreach (var wildcard in new[] { "://*", "://+", "://0.0.0.0", "://[::]" })
        {
            var at = first.IndexOf(wildcard, StringComparison.Ordinal);
            if (at >= 0)
            {
                first = first[..at] + "://localhost" + first[(at + wildcard.Length)..];
            }
        }

        return Uri.TryCreate(first, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : DefaultUrl;
    }
}
