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

    public Browser Browse() => new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = true, HandleCookies = true }));
}

/// <summary>A cookie-keeping client that reads pages with AngleSharp and submits their real forms.</summary>
internal sealed class Browser(HttpClient client)
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

    public async Task<Page> SignInAsync(string email, string password)
    {
        var page = await GetAsync("/account/sign-in");
        return await SubmitAsync(page, new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
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
