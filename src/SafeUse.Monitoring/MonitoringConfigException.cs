namespace SafeUse.Monitoring;

/// <summary>
/// A rules, lists, people or IP-map file (or an argument) is invalid. The message names the file, line and field;
/// the command maps this exception to exit code 2.
/// </summary>
public sealed class MonitoringConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/> at <paramref name="line"/> (0 when not known).</summary>
    public MonitoringConfigException(string file, int line, string field, string message)
        : base(line > 0 ? $"{file}:{line}: {field}: {message}" : $"{file}: {field}: {message}")
    {
        File = file;
        Line = line;
        Field = field;
    }

    /// <summary>The file at fault.</summary>
    public string File { get; }

    /// <summary>The 1-based line, or 0 when the fault is not on one line.</summary>
    public int Line { get; }

    /// <summary>The field or key at fault.</summary>
    public string Field { get; }
}
