using System.Net;
using System.Net.Sockets;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Security;

/// <summary>The command line refuses what it does not understand instead of starting a server.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CommandLineTests
{
    [Fact]
    public async Task An_unknown_command_is_an_error_that_names_it_and_lists_the_commands()
    {
        var (exit, error) = await CapturedCli.RunPairAsync("frobnicate", "now");
        exit.ShouldBe(2);
        error.ShouldContain("\"frobnicate\" is not a safeuse command");
        error.ShouldContain("serve, db, admin, import");
    }

    [Fact]
    public async Task A_missing_required_option_or_command_is_exit_2_saying_what_is_missing()
    {
        var (exit, error) = await CapturedCli.RunPairAsync("incidents", "export");
        exit.ShouldBe(2);
        error.ShouldContain("error: Option '--school' is required.");
        error.ShouldContain("Run safeuse incidents export --help for its options.");
        (await CapturedCli.RunPairAsync("import")).Exit.ShouldBe(2);
    }

    [Fact]
    public async Task Serving_on_an_address_in_use_says_so_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var dir = Path.Combine(Path.GetTempPath(), "safeuse-tests", Guid.NewGuid().ToString("n"));
        var (exit, error) = await CapturedCli.RunPairAsync("serve", "--urls", $"http://127.0.0.1:{port}", "--data-dir", dir);
        exit.ShouldBe(2);
        error.ShouldContain($"http://127.0.0.1:{port} is already in use by another program");
        error.ShouldNotContain("   at ");
    }
}
