using System.Net;
using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Calendar;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using SafeUse.Tests.People;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Calendar;

/// <summary>The bank holidays settings page: trust administrators only, reached from Schools and roles, every change audited.</summary>
public sealed class BankHolidayPageTests
{
    private const string Url = "/settings/bank-holidays";

    [Theory, BothDatabases]
    internal async Task A_trust_administrator_sees_the_bank_holidays_by_year(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var schools = await alex.GetAsync("/schools");
        var page = await alex.GetAsync(schools.Document.QuerySelector("#trust-settings ~ p a[href]")!.GetAttribute("href")!);
        page.Url.ShouldEndWith(Url);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Heading.ShouldBe("Bank holidays");
        page.Document.QuerySelectorAll("caption").Select(c => c.TextContent.Trim()).ShouldBe(["2025", "2026", "2027"]);
        var rows2026 = page.Document.QuerySelectorAll("table")[1].QuerySelectorAll("tbody tr")
            .Select(r => string.Join(" | ", r.QuerySelectorAll("td").Take(2).Select(c => c.TextContent.Trim()))).ToList();
        rows2026.Count.ShouldBe(8);
        rows2026[1].ShouldBe("Friday 3 April 2026 | Good Friday");
        rows2026[^1].ShouldBe("Monday 28 December 2026 | Boxing Day (substitute day)");
    }

    [Theory, BothDatabases]
    internal async Task A_school_administrator_and_a_member_of_staff_are_refused_even_with_a_crafted_post(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        long christmas;
        await using (var ctx = db.Context())
        {
            christmas = await ctx.Set<BankHoliday>().Where(h => h.Date == new DateOnly(2026, 12, 25)).Select(h => h.Id).SingleAsync();
        }

        var form = await (await w.SignInAsync(w.TrustAdmin)).GetAsync(Url);
        (await (await w.SignInAsync(w.SchoolAdmin)).GetAsync("/schools")).Document.QuerySelector($"a[href='{Url}']").ShouldBeNull();
        foreach (var person in new[] { w.SchoolAdmin, w.StaffA, w.Central })
        {
            var browser = await w.SignInAsync(person);
            (await browser.GetAsync(Url)).Status.ShouldBe(HttpStatusCode.Forbidden, person.FullName);
            (await browser.GetAsync($"{Url}/{christmas}/remove")).Status.ShouldBe(HttpStatusCode.Forbidden, person.FullName);
            var added = await browser.SubmitAsync(form, Fields("1", "1", "2028", "New Year's Day"));
            added.Status.ShouldBe(HttpStatusCode.Forbidden, person.FullName);
            var removed = await browser.Client.PostAsync($"{Url}/{christmas}/remove", new FormUrlEncodedContent([]));
            removed.StatusCode.ShouldBe(HttpStatusCode.Forbidden, person.FullName);
        }

        await using var check = db.Context();
        (await check.Set<BankHoliday>().CountAsync()).ShouldBe(24);
        (await check.AuditEvents.CountAsync(e => e.EntityType == "bank_holiday")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Adding_with_a_date_that_is_not_real_or_no_name_says_which_field_is_wrong(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);
        var page = await alex.GetAsync(Url);

        var refused = await alex.SubmitAsync(page, Fields("31", "2", "2028", " "));
        refused.Status.ShouldBe(HttpStatusCode.OK);
        refused.Document.QuerySelectorAll(".govuk-error-summary__list a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href")))
            .ShouldBe([("Date must be a real date", "#Holiday_Date_Day"), ("Enter the name of the bank holiday", "#Holiday_Name")]);
        refused.Document.QuerySelector("#Holiday_Date-error")!.TextContent.ShouldContain("Date must be a real date");
        refused.Document.QuerySelector("#Holiday_Name-error")!.TextContent.ShouldContain("Enter the name of the bank holiday");
        // What was typed is kept for the second try.
        refused.Document.QuerySelector("#Holiday_Date_Day")!.GetAttribute("value").ShouldBe("31");

        var noMonth = await alex.SubmitAsync(page, Fields("25", "", "2028", "Christmas Day"));
        noMonth.Errors.ShouldContain("Date must include a month");

        await using var ctx = db.Context();
        (await ctx.Set<BankHoliday>().CountAsync()).ShouldBe(24);
    }

    [Theory, BothDatabases]
    internal async Task A_day_already_listed_is_refused_with_an_error_on_the_date(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var refused = await alex.SubmitAsync(await alex.GetAsync(Url), Fields("25", "12", "2026", "Christmas"));
        refused.Document.QuerySelectorAll(".govuk-error-summary__list a").Select(a => (a.TextContent.Trim(), a.GetAttribute("href")))
            .ShouldBe([("Friday 25 December 2026 is already a bank holiday: Christmas Day", "#Holiday_Date_Day")]);
        refused.Document.QuerySelector("#Holiday_Date-error").ShouldNotBeNull();

        await using var ctx = db.Context();
        (await ctx.Set<BankHoliday>().CountAsync(h => h.Date == new DateOnly(2026, 12, 25))).ShouldBe(1);
        (await ctx.AuditEvents.CountAsync(e => e.EntityType == "bank_holiday")).ShouldBe(0);
    }

    [Theory, BothDatabases]
    internal async Task Adding_and_removing_a_bank_holiday_are_audited_and_change_the_working_days(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);

        var added = await alex.SubmitAsync(await alex.GetAsync(Url), Fields("25", "12", "2028", "  Christmas Day "));
        added.Url.ShouldEndWith(Url);
        added.Text.ShouldContain("Added Christmas Day on Monday 25 December 2028.");
        added.Document.QuerySelectorAll("caption").Select(c => c.TextContent.Trim()).ShouldContain("2028");

        long id;
        await using (var ctx = db.Context())
        {
            var holiday = await ctx.Set<BankHoliday>().SingleAsync(h => h.Date == new DateOnly(2028, 12, 25));
            holiday.Name.ShouldBe("Christmas Day");
            holiday.Region.ShouldBe(BankHoliday.EnglandAndWales);
            id = holiday.Id;
            var e = await ctx.AuditEvents.SingleAsync(a => a.Action == "bank-holiday.added");
            e.ActorPersonId.ShouldBe(w.TrustAdmin.Id);
            e.EntityType.ShouldBe("bank_holiday");
            e.EntityId.ShouldBe(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            e.Summary.ShouldBe("Added the bank holiday Christmas Day on Monday 25 December 2028");
            e.After!.ShouldContain("2028-12-25");
            (await new BankHolidays(ctx).ForRegionAsync()).ShouldContain(new DateOnly(2028, 12, 25));
        }

        var confirm = await alex.GetAsync(Url + "/" + id + "/remove");
        confirm.Heading.ShouldBe("Remove Christmas Day, Monday 25 December 2028?");
        await using (var ctx = db.Context())
        {
            (await ctx.Set<BankHoliday>().AnyAsync(h => h.Id == id)).ShouldBeTrue();
        }

        var removed = await alex.SubmitAsync(confirm, new Dictionary<string, string>());
        removed.Url.ShouldEndWith(Url);
        removed.Text.ShouldContain("Removed Christmas Day on Monday 25 December 2028.");
        removed.Document.QuerySelectorAll("caption").Select(c => c.TextContent.Trim()).ShouldNotContain("2028");
        (await alex.GetAsync(Url + "/" + id + "/remove")).Status.ShouldBe(HttpStatusCode.NotFound);

        await using (var ctx = db.Context())
        {
            var e = await ctx.AuditEvents.SingleAsync(a => a.Action == "bank-holiday.removed");
            e.ActorPersonId.ShouldBe(w.TrustAdmin.Id);
            e.EntityId.ShouldBe(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            e.Before!.ShouldContain("Christmas Day");
            (await new BankHolidays(ctx).ForRegionAsync()).ShouldNotContain(new DateOnly(2028, 12, 25));
        }
    }

    [Theory, BothDatabases]
    internal async Task Adding_or_removing_without_the_antiforgery_token_is_refused(DatabaseProviderKind kind)
    {
        using var db = TestDatabase.Create(kind);
        await using var w = await PeopleWorld.CreateAsync(db);
        var alex = await w.SignInAsync(w.TrustAdmin);
        long christmas;
        await using (var ctx = db.Context())
        {
            christmas = await ctx.Set<BankHoliday>().Where(h => h.Date == new DateOnly(2026, 12, 25)).Select(h => h.Id).SingleAsync();
        }

        (await alex.Client.PostAsync(Url, new FormUrlEncodedContent(Fields("1", "1", "2028", "New Year's Day")))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await alex.Client.PostAsync($"{Url}/{christmas}/remove", new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        await using var check = db.Context();
        (await check.Set<BankHoliday>().CountAsync()).ShouldBe(24);
    }

    private static Dictionary<string, string> Fields(string day, string month, string year, string name) => new()
    {
        ["Holiday.Date.Day"] = day,
        ["Holiday.Date.Month"] = month,
        ["Holiday.Date.Year"] = year,
        ["Holiday.Name"] = name,
    };
}
