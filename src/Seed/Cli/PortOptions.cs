using System.CommandLine;

namespace QD3PM.Seed.Cli;

/// <summary>Port options refuse values outside 0..65535 while parsing, so a typo is a usage error, not a socket stack trace.</summary>
public static class PortOptions
{
    public static Option<T> Checked<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value is int port && port is < 0 or > 65535)
                result.AddError($"{option.Name} must be a TCP port (0-65535), not {port}");
        });
        return option;
    }
}
