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

            var app = SafeUseHost.BuildWeb(parse.UnmatchedTokens.ToArray(), overrides);
            await app.RunAsync(ct);
            return 0;
        }));
        return serve;
    }
}
