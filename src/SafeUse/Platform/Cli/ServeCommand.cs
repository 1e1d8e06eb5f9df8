using System.CommandLine;

namespace SafeUse.Platform.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var demo = new Option<bool>("--demo") { Description = "On an empty database, first fill it with a demo trust and print how to sign in." };
        var serve = new Command("serve", "Run the web application (the default command).") { urls, demo };
        // The test host and ASP.NET pass their own --key=value settings through; they go to the web host's configuration.
        serve.TreatUnmatchedTokensAsErrors = false;
        serve.SetAction(async (parse, ct) => await SafeUseCli.GuardAsync(async () =>
        {
            var overrides = SafeUseCli.Overrides(parse);
            var explicitUrls = parse.GetResult(urls) is { Implicit: false };
            if (explicitUrls || (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is null && Environment.GetEnvironmentVariable("SAFEUSE_urls") is null))
            {
                overrides["urls"] = parse.GetValue(urls);
            }

            if (parse.GetValue(demo))
            {
                overrides["Demo"] = "true";
            }

            // Checked before anything starts, so a busy port is one line, not the host's start-up failure in the log.
            if (overrides.GetValueOrDefault("urls") is { } listen && InUse(listen) is { } busy)
            {
                throw new CliException($"{busy} is already in use by another program: stop it, or choose another address with --urls (for example --urls http://127.0.0.1:5081)");
            }

            var app = SafeUseHost.BuildWeb(parse.UnmatchedTokens.ToArray(), overrides);
            await CheckDatabaseAsync(app, ct);
            try
            {
                await app.RunAsync(ct);
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                throw new CliException($"{overrides.GetValueOrDefault("urls") ?? "the address"} is already in use by another program: stop it, or choose another address with --urls (for example --urls http://127.0.0.1:5081)");
            }

            return 0;
        }));
        return serve;
    }

    /// <summary>
    /// A PostgreSQL database is migrated by `safeuse db migrate` (or MigrateOnStart): one that lacks scripts, or that
    /// cannot be reached, is one clear line before the server starts, not a failed start in the log.
    /// </summary>
    private static async Task CheckDatabaseAsync(WebApplication app, CancellationToken ct)
    {
        var provider = app.Services.GetRequiredService<Data.DatabaseProvider>();
        if (provider.Kind != Data.DatabaseProviderKind.Postgres || app.Configuration.GetValue<bool>("Database:MigrateOnStart"))
        {
            return;
        }

        IReadOnlyList<string> pending;
        try
        {
            pending = (await app.Services.GetRequiredService<Data.MigrationRunner>().MigrateAsync(dryRun: true, ct)).Pending;
        }
        catch (System.Data.Common.DbException ex)
        {
            throw new CliException($"cannot open the PostgreSQL database: {ex.Message}. Check --connection-string (or SAFEUSE_Database__ConnectionString).");
        }

        if (pending.Count > 0)
        {
            throw new CliException($"the database lacks {pending.Count} of SafeUse's scripts (first {pending[0]}): run `safeuse db migrate` with the same database options, or set SAFEUSE_Database__MigrateOnStart=true.");
        }
    }

    /// <summary>The first of the addresses (IP literals and localhost) that another program is listening on, or null.</summary>
    private static string? InUse(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }

            var address = uri.Host == "localhost" ? System.Net.IPAddress.Loopback : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? ip : null;
            if (address is null)
            {
                continue;
            }

            if (Busy(address, uri.Port))
            {
                return url;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether another program holds the port. The probe binds it for an instant, so two programs starting at once (the
    /// test suite's in-process servers) can catch each other's probe: a port still taken after a few tries is busy.
    /// </summary>
    private static bool Busy(System.Net.IPAddress address, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new System.Net.Sockets.TcpListener(address, port);
            try
            {
                probe.Start();
                return false;
            }
            catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                if (attempt == 4)
                {
                    return true;
                }
            }
            finally
            {
                probe.Stop();
            }

            Thread.Sleep(20 * (attempt + 1));
        }
    }
}
