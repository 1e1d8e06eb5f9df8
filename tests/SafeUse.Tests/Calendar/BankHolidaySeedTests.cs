using Microsoft.EntityFrameworkCore;
using SafeUse.Features.Calendar;
using SafeUse.Platform.Data;
using SafeUse.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace SafeUse.Tests.Calendar;

/// <summary>The England and Wales bank holidays script 0012 seeds, checked against the rules that make them.</summary>
public sealed class BankHolidaySeedTests
{
    [Theory]
    [InlineData(2025, 4, 20)]
    [InlineData(2026, 4, 5)]
    [InlineData(2027, 3, 28)]
    [InlineData(2019, 4, 21)]
    [InlineData(2038, 4, 25)]
    public void The_computus_in_these_tests_gives_the_known_Easter_Sundays(int year, int month, int day) =>
        EnglandAndWales.Easter(year).ShouldBe(new DateOnly(year, month, day));

    [Theory, BothDatabases]
    internal async Task Good_Friday_and_Easter_Monday_are_seeded_around_the_Easter_computed_for_each_year(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var ctx = db.Context();
        var seeded = await ctx.Set<BankHoliday>().AsNoTracking().ToListAsync();
        foreach (var year in new[] { 2025, 2026, 2027 })
        {
            var easter = EnglandAndWales.Easter(year);
            seeded.Single(h => h.Date.Year == year && h.Name == "Good Friday").Date.ShouldBe(easter.AddDays(-2));
            seeded.Single(h => h.Date.Year == year && h.Name == "Easter Monday").Date.ShouldBe(easter.AddDays(1));
        }
    }

    [Theory, BothDatabases]
    internal async Task Each_year_from_2025_to_2027_has_its_eight_bank_holidays_named_as_GOV_UK_names_them(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var ctx = db.Context();
        var seeded = await ctx.Set<BankHoliday>().AsNoTracking().OrderBy(h => h.Date).ToListAsync();

        seeded.GroupBy(h => h.Date.Year).Select(g => (g.Key, g.Count())).ShouldBe([(2025, 8), (2026, 8), (2027, 8)]);
        seeded.ShouldAllBe(h => h.Region == BankHoliday.EnglandAndWales);
        seeded.Select(h => (h.Date, h.Name)).ShouldBe(new[] { 2025, 2026, 2027 }.SelectMany(EnglandAndWales.For));
        seeded.ShouldAllBe(h => h.Date.DayOfWeek != DayOfWeek.Saturday && h.Date.DayOfWeek != DayOfWeek.Sunday);

        // The substitute days the brief spelled out, in case the rules above and the script were wrong together.
        seeded.Where(h => h.Name.EndsWith("(substitute day)", StringComparison.Ordinal)).Select(h => h.Date)
            .ShouldBe([new DateOnly(2026, 12, 28), new DateOnly(2027, 12, 27), new DateOnly(2027, 12, 28)]);
    }

    [Theory, BothDatabases]
    internal async Task The_service_gives_a_region_its_dates_and_an_unknown_region_none(DatabaseProviderKind kind)
    {
        using var db = await TestDatabase.Create(kind).MigrateAsync();
        await using var ctx = db.Context();
        var holidays = new BankHolidays(ctx);

        var england = await holidays.ForRegionAsync();
        england.Count.ShouldBe(24);
        england.ShouldContain(new DateOnly(2026, 12, 28));
        england.SetEquals(EnglandAndWales.Dates(2025, 2026, 2027)).ShouldBeTrue();
        (await holidays.ForRegionAsync("scotland")).ShouldBeEmpty();
    }
}
