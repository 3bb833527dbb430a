using System.Reflection;

namespace QD3PM.Nodes.Management;

/// <summary>Finds every <see cref="IManagementServiceRegistration"/> in the loaded QD3PM assemblies.</summary>
public static class ManagementRegistrations
{
    public static IReadOnlyList<IManagementServiceRegistration> Discover()
    {
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name?.StartsWith("QD3PM", StringComparison.OrdinalIgnoreCase) == true
                        || a.GetName().Name == "qd3pm")
            .Append(typeof(ManagementRegistrations).Assembly)
            .Distinct();
        return assemblies
            .SelectMany(SafeTypes)
            .Where(t => typeof(IManagementServiceRegistration).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (IManagementServiceRegistration)Activator.CreateInstance(t)!)
            .ToList();
    }

    private static IEnumerable<Type> SafeTypes(Assembly assembly)
    {
        try { return assembly.GetTypes(); }
        catch (ReflectionTypeLoadException ex) { return ex.Types.OfType<Type>(); }
    }
}
