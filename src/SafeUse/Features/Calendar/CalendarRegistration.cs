namespace SafeUse.Features.Calendar;

internal static class CalendarRegistration
{
    public static IServiceCollection AddCalendar(this IServiceCollection services) => services.AddScoped<BankHolidays>();
}
