using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Incidents;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>
/// Script typed into every text box of every reporting form (each kind's report, each handler's form on the record,
/// the reporting settings) is kept as text: saved or refused with an error, it never becomes markup on any page.
/// </summary>
public sealed class ScriptInEveryFieldTests
{
    private const string Script = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'=HYPERLINK(\"x\")";
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    /// <summary>Every text box and text area of a form, filled with the script.</summary>
    private static Dictionary<string, string> Filled(IHtmlFormElement form)
    {
        var fields = new Dictionary<string, string>();
        foreach (var e in form.Elements)
        {
            if (e is IHtmlInputElement { Type: "text" or "email" or "number" or "datetime-local" } input && input.Name is { Length: > 0 } name)
            {
                fields[name] = Script;
            }
            else if (e is IHtmlTextAreaElement area && area.Name is { Length: > 0 } areaName)
            {
                fields[areaName] = Script;
            }
        }

        return fields;
    }

    private static void NoMarkup(Browser.Page page, string where)
    {
        ((int)page.Status).ShouldBeLessThan(500, where);
        page.Document.QuerySelectorAll("main script, main img, main [onerror]").Length.ShouldBe(0, where);
    }

    [Theory, BothDatabases]
    internal async Task Script_in_every_text_box_of_every_reporting_form_stays_text(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);

        // The administrator names roles, kinds and questions with script.
        var admin = app.Browse();
        await admin.SignInAsync(w.Admin.Email!, Seed.Password);
        var settings = await admin.GetAsync($"/settings/reporting?school={w.A.Id.ToString(CultureInfo.InvariantCulture)}");
        foreach (var selector in new[] { "#labels-form", "#kinds-form" })
        {
            var fields = Filled(settings.Document.QuerySelector<IHtmlFormElement>(selector)!);
            settings = await admin.SubmitAsync(settings, fields, selector);
            NoMarkup(settings, selector);
        }

        // A teacher reports each kind with script in every box: refused or saved, the page shows it as text.
        var teacher = app.Browse();
        await teacher.SignInAsync(w.Teacher.Email!, Seed.Password);
        foreach (var k in ReportKinds.All)
        {
            var form = await teacher.SubmitAsync(await teacher.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = k.Code });
            NoMarkup(form, k.Code);
            var sent = await teacher.SubmitAsync(form, Filled(form.Document.QuerySelector<IHtmlFormElement>("main form")!));
            NoMarkup(sent, k.Code + " sent");
            if (sent.Errors.Count > 0)
            {
                // The kind's dates and choices refused the script: send it with them right and the text boxes still script.
                var fixedUp = new Dictionary<string, string> { ["OccurredAt"] = "" };
                foreach (var f in k.Fields.Where(f => f.Type == FieldType.DateTime))
                {
                    fixedUp[$"Answers[{f.Code}]"] = "2026-11-23 08:00";
                }

                foreach (var f in k.Fields.Where(f => f.Type == FieldType.YesNo))
                {
                    fixedUp[$"Answers[{f.Code}]"] = "yes";
                }

                if (k.NeedsSubject)
                {
                    fixedUp["SubjectId"] = w.Manager.Id.ToString(CultureInfo.InvariantCulture);
                }

                sent = await teacher.SubmitAsync(sent, fixedUp);
                NoMarkup(sent, k.Code + " resent");
                sent.Errors.ShouldBeEmpty(k.Code);
            }
        }

        NoMarkup(await teacher.GetAsync("/reports/mine"), "mine");
        var incidents = await db.Context().Incidents.ToListAsync();
        incidents.Count.ShouldBe(ReportKinds.All.Count);

        // Each handler fills every box of every form on the records they can open, and the inbox and breach log stay text.
        foreach (var handler in new[] { w.Dsl, w.Head, w.Dpo, w.Digital, w.ItLead, w.Manager })
        {
            var b = app.Browse();
            await b.SignInAsync(handler.Email!, Seed.Password);
            NoMarkup(await b.GetAsync("/incidents?Status=all"), "inbox");
            NoMarkup(await b.GetAsync("/"), "home");
            foreach (var incident in incidents)
            {
                var url = $"/incidents/{incident.Id.ToString(CultureInfo.InvariantCulture)}";
                var page = await b.GetAsync(url);
                if (page.Status == HttpStatusCode.NotFound)
                {
                    continue;
                }

                NoMarkup(page, url);
                var actions = page.Document.QuerySelectorAll("main form").Select(f => f.GetAttribute("action") ?? "").Where(a => a.Contains("handler=", StringComparison.Ordinal)).Distinct().ToList();
                foreach (var action in actions)
                {
                    page = await b.GetAsync(url);
                    var selector = $"main form[action='{action}']";
                    if (page.Document.QuerySelector<IHtmlFormElement>(selector) is not { } form)
                    {
                        continue;
                    }

                    var after = await b.SubmitAsync(page, Filled(form), selector);
                    NoMarkup(after, $"{handler.FullName} {url} {action}");
                }

                NoMarkup(await b.GetAsync(url), url + " after");
            }

            var log = await b.GetAsync("/incidents/breaches");
            NoMarkup(log, "breach log");
        }

        // The handlers' forms took the script as text (notes, decisions, actions...), not only the reports.
        var withScript = await db.Context().IncidentEntries.CountAsync(e => e.Text.Contains("<script>"));
        withScript.ShouldBeGreaterThan(ReportKinds.All.Count * 2);
    }
}
