using SafeUse.Platform.Cli;
using Xunit;

using SafeUse.Tests.Infrastructure;

namespace SafeUse.Tests.Infrastructure;

/// <summary>Tests that read what the command line prints swap the process's console, so they never run alongside each other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "Console output";
}

/// <summary>Runs `safeuse` in-process as the published program would, with what it printed.</summary>
internal static class CapturedCli
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        /// <summary>A crash shows itself as .NET's stack frames ("   at ...") or an unhandled-exception banner.</summary>
        public bool Crashed => Error.Contains("   at ", StringComparison.Ordinal) || Out.Contains("   at ", StringComparison.Ordinal)
            || Error.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) || Out.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase);

        public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
    }

    /// <summary>The exit code and what was written to standard error.</summary>
    public static async Task<(int Exit, string Error)> RunPairAsync(params string[] args)
    {
        var result = await RunAsync(args);
        return (result.ExitCode, result.Error);
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var o = new StringWriter();
        using var e = new StringWriter();
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            var code = await SafeUseCli.RunAsync(args);
            return new(code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}

/// <summary>Seeded damage to a file's bytes, the kinds a broken download, a bad disk or a hostile sender produce.</summary>
internal static class Mutate
{
    public static byte[] FlipBytes(Random random, byte[] content, int count)
    {
        var copy = (byte[])content.Clone();
        for (var i = 0; i < count && copy.Length > 0; i++)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    public static byte[] Truncate(Random random, byte[] content) => content[..random.Next(content.Length + 1)];

    public static byte[] Insert(Random random, byte[] content, byte[] insert)
    {
        var at = random.Next(content.Length + 1);
        return [.. content[..at], .. insert, .. content[at..]];
    }

    public static byte[] Any(Random random, byte[] content) => random.Next(4) switch
    {
        0 => FlipBytes(random, content, 1 + random.Next(8)),
        1 => Truncate(random, content),
        2 => Insert(random, content, RandomBytes(random, 1 + random.Next(64))),
        _ => Insert(random, content, Slice(random, content)),
    };

    /// <summary>A piece of the file itself, so repeated structure (a table row, a list) appears where it should not.</summary>
    private static byte[] Slice(Random random, byte[] content)
    {
        var start = random.Next(content.Length);
        return content[start..(start + random.Next(Math.Min(200, content.Length - start) + 1))];
    }

    public static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
