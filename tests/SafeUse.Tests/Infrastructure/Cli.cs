using SafeUse.Platform.Cli;

namespace SafeUse.Tests.Infrastructure;

/// <summary>Runs the real command line in process and keeps what it wrote to standard error.</summary>
/// <remarks>Standard error is process-wide: test classes that use this share the "Console" collection, so they never run at once.</remarks>
internal static class Cli
{
    public static async Task<(int Exit, string Error)> RunAsync(params string[] args)
    {
        var error = new StringWriter();
        var stderr = Console.Error;
        Console.SetError(error);
        try
        {
            return (await SafeUseCli.RunAsync(args), error.ToString());
        }
        finally
        {
            Console.SetError(stderr);
        }
    }
}
