using System.Reflection;

namespace SafeUse.Platform.Auth;

/// <summary>
/// NCSC / NIST SP 800-63B / OWASP guidance: a minimum length of 12, a check against commonly used passwords, and no
/// composition rules or forced expiry (DOMAIN.md §6).
/// </summary>
internal static class PasswordPolicy
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 256;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);

    /// <summary>Returns null when acceptable, otherwise the reason in words a person understands.</summary>
    public static string? Check(string? password, params string?[] personalWords)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "Enter a password";
        }

        if (password.Length < MinimumLength)
        {
            return $"Password must be at least {MinimumLength} characters long. A few unrelated words make a good one.";
        }

        if (password.Length > MaximumLength)
        {
            return $"Password must be {MaximumLength} characters or fewer";
        }

        var lower = password.ToLowerInvariant();
        if (Common.Value.Contains(lower) || password.Distinct().Count() <= 3 || IsSequence(lower))
        {
            return "This password is too common or easy to guess. Choose a different one.";
        }

        foreach (var word in personalWords)
        {
            if (!string.IsNullOrWhiteSpace(word) && word.Length >= 4 && lower.Contains(word.Trim().ToLowerInvariant(), StringComparison.Ordinal))
            {
                return "Password must not contain your name or email address";
            }
        }

        return null;
    }

    private static bool IsSequence(string s)
    {
        var ascending = true;
        for (var i = 1; i < s.Length && ascending; i++)
        {
            ascending = s[i] == s[i - 1] + 1;
        }

        return ascending;
    }

    private static HashSet<string> LoadCommon()
    {
        var assembly = Assembly.GetExecutingAssembly();
        using var stream = assembly.GetManifestResourceStream("common-passwords.txt")!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                set.Add(line.Trim().ToLowerInvariant());
            }
        }

        return set;
    }
}
