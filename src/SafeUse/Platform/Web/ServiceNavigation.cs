namespace SafeUse.Platform.Web;

/// <summary>Which link in the header's service navigation stands for the page shown, marked as GOV.UK marks it.</summary>
internal static class ServiceNavigation
{
    /// <summary>
    /// The link's <c>aria-current</c>: "page" on its own page, "true" on a page inside its section (a policy under
    /// Policies), as GOV.UK's service navigation does; null otherwise. Home is only ever its own page.
    /// </summary>
    public static string? Current(PathString path, string href)
    {
        var link = new PathString(href);
        if (path.Equals(link, StringComparison.OrdinalIgnoreCase))
        {
            return "page";
        }

        return href != "/" && path.StartsWithSegments(link, StringComparison.OrdinalIgnoreCase) ? "true" : null;
    }
}
