using System.Net;
using AngleSharp;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SafeUse.Platform.Data;

namespace SafeUse.Tests.Infrastructure;

/// <summary>The real web app in process, on its own migrated database, with an optional fake clock.</summary>
internal sealed class AppFactory(TestDatabase database, TimeProvider? time = null, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", database.Kind.ToString());
        builder.UseSetting("Database:ConnectionString", database.ConnectionString);
        builder.UseSetting("Database:DataDirectory", database.DataDirectory);
        builder.UseSetting("Database:MigrateOnStart", "true");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureServices(s => s.Replace(ServiceDescriptor.Singleton(time)));
        }
    }

    /// <summary>The authenticator app of everyone who enrols through this database's pages, on the app's clock.</summary>
    public TestAuthenticator Authenticator => new(database.ConnectionString, time ?? TimeProvider.System, StoredSecret);

    /// <summary>
    /// A factor made without the enrolment page (the demo trust's): its key, as the person's phone would hold it, read
    /// back through the app's own Data Protection.
    /// </summary>
    private (byte[] Secret, long? LastStep)? StoredSecret(string email)
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        var normalized = email.ToLowerInvariant();
        var factor = db.SecondFactors.Where(f => f.ConfirmedAt != null && db.People.Any(p => p.Id == f.PersonId && p.EmailNormalized == normalized))
            .Select(f => new { f.ProtectedSecret, f.LastTimeStep }).FirstOrDefault();
        return factor?.ProtectedSecret is not { } sealedSecret ? null
            : (scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>()
                .CreateProtector(SafeUse.Platform.Auth.SecondFactorService.SecretPurpose).Unprotect(Convert.FromBase64String(sealedSecret)), factor.LastTimeStep);
    }

    public Browser Browse() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true }), Authenticator);

    /// <summary>A browser keeping its cookies in the given jar (so a test can copy them, as a stolen cookie would be), sending this user agent.</summary>
    public Browser Browse(CookieContainer cookies, string? userAgent = null)
    {
        var client = CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(cookies));
        if (userAgent is not null)
        {
            client.DefaultRequestHeaders.UserAgent.ParseAdd(userAgent);
        }

        return new(client, Authenticator);
    }
}

/// <summary>A cookie-keeping client that reads pages with AngleSharp and submits their real forms.</summary>
internal sealed class Browser(HttpClient client, TestAuthenticator? authenticator = null)
{
    private static readonly IBrowsingContext Context = BrowsingContext.New(Configuration.Default);

    public HttpClient Client => client;

    public async Task<Page> GetAsync(string url)
    {
        var response = await client.GetAsync(url);
        return await Page.ReadAsync(response);
    }

    /// <summary>Fills the form (the first, or the one matching the selector) with the given fields and submits it.</summary>
    public async Task<Page> SubmitAsync(Page page, IDictionary<string, string> fields, string formSelector = "main form", IDictionary<string, (string Name, byte[] Content)>? files = null)
    {
        var form = page.Document.QuerySelector<IHtmlFormElement>(formSelector) ?? throw new InvalidOperationException($"No form matches {formSelector} on {page.Url}");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement { Type: "checkbox" or "radio" } box when box.IsChecked && box.Name is { Length: > 0 }:
                    values.Add(new(box.Name, box.Value));
                    break;
                case IHtmlInputElement { Type: not ("checkbox" or "radio" or "file" or "submit") } input when input.Name is { Length: > 0 }:
                    values.Add(new(input.Name, input.Value));
                    break;
                case IHtmlTextAreaElement area when area.Name is { Length: > 0 }:
                    values.Add(new(area.Name, area.Value));
                    break;
                case IHtmlSelectElement select when select.Name is { Length: > 0 }:
                    // As a browser does: the selected option, or the first when none is marked selected.
                    var chosen = select.Options.FirstOrDefault(o => o.IsSelected) ?? select.Options.FirstOrDefault();
                    values.Add(new(select.Name, chosen?.Value ?? ""));
                    break;
            }
        }

        foreach (var (name, value) in fields)
        {
            values.RemoveAll(v => v.Key == name);
            values.Add(new(name, value));
        }

        var action = form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? page.Url : new Uri(new Uri(page.Url, UriKind.Absolute), action).ToString();
        HttpContent content;
        if (files is null)
        {
            content = new FormUrlEncodedContent(values);
        }
        else
        {
            var multipart = new MultipartFormDataContent();
            foreach (var (k, v) in values)
            {
                multipart.Add(new StringContent(v), k);
            }

            foreach (var (field, (name, bytes)) in files)
            {
                multipart.Add(new ByteArrayContent(bytes), field, name);
            }

            content = multipart;
        }

        var response = await client.PostAsync(target, content);
        return await Page.ReadAsync(response);
    }

    /// <summary>
    /// Signs in as a person would, second factor included: the code from their authenticator app when asked for it,
    /// and, for someone whose role needs one and has none, setting the app up first (see <see cref="PassSecondFactorAsync"/>).
    /// </summary>
    public async Task<Page> SignInAsync(string email, string password)
    {
        var page = await GetAsync("/account/sign-in");
        page = await SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password }, "#password-sign-in");
        return await PassSecondFactorAsync(page, email);
    }

    /// <summary>
    /// Answers a second-factor page as its owner would: on the prompt, the code their authenticator shows (the demo's
    /// own code in demo mode); on enrolment, the app is set up from the key on the page and the recovery codes kept.
    /// Any other page is returned as it is.
    /// </summary>
    public async Task<Page> PassSecondFactorAsync(Page page, string email)
    {
        var path = new Uri(page.Url).AbsolutePath;
        if (path == "/account/second-factor")
        {
            var code = page.Document.QuerySelector("#demo-code strong")?.TextContent.Trim()
                ?? (authenticator ?? throw new InvalidOperationException("This browser has no authenticator: make it with AppFactory.Browse()")).NextCode(email);
            return await SubmitAsync(page, new Dictionary<string, string> { ["Code"] = code });
        }

        if (path == "/account/second-factor/enrol" && page.Document.QuerySelector("#secret") is { } secret)
        {
            var app = authenticator ?? throw new InvalidOperationException("This browser has no authenticator: make it with AppFactory.Browse()");
            app.Add(email, secret.TextContent);
            var done = await SubmitAsync(page, new Dictionary<string, string> { ["Code"] = app.NextCode(email) });
            app.KeepRecoveryCodes(email, done.Document.QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent.Trim()));
            var next = done.Document.QuerySelector("main a.govuk-button")?.GetAttribute("href") ?? throw new InvalidOperationException("Enrolment did not finish: " + string.Join("; ", done.Errors));
            return await GetAsync(next);
        }

        return page;
    }

    internal sealed record Page(HttpStatusCode Status, string Url, string Html, IDocument Document)
    {
        public static async Task<Page> ReadAsync(HttpResponseMessage response)
        {
            var html = await response.Content.ReadAsStringAsync();
            var url = response.RequestMessage!.RequestUri!.ToString();
            var document = await Context.OpenAsync(r => r.Content(html).Address(url));
            return new Page(response.StatusCode, url, html, document);
        }

        public string Heading => Document.QuerySelector("h1")?.TextContent.Trim() ?? "";

        public string Text => Document.Body?.TextContent ?? "";

        public IReadOnlyList<string> Errors => Document.QuerySelectorAll(".govuk-error-summary__list li, .govuk-error-message").Select(e => e.TextContent.Trim()).ToList();
    }
}
