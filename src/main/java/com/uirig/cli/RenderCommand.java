package com.uirig.cli;

import com.uirig.model.DesiredHost;
import com.uirig.render.HostFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Writes or prints the files uirig owns on a host.",
                "rc.conf settings, jail.conf, pf.conf, pf table files, the jails' files and the crontab, at their",
                "host paths under DIR.",
                "Secrets are never rendered: a key file is written as PATH.placeholder."})
final class RenderCommand implements Callable<Integer> {
    @Mixin
    InventoryArgument inventory;

    @Option(names = "--host", required = true, paramLabel = "HOST", description = "The host whose files to render.")
    String host;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write the files under (default: print them).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var err = spec.commandLine().getErr();
        var selection = inventory.select(err, List.of(host));
        if (selection.isEmpty()) {
            return Main.ERROR;
        }
        DesiredHost h = selection.get().hosts().get(0);
        if (out == null) {
            spec.commandLine().getOut().print(HostFiles.print(h));
            return Main.OK;
        }
        List<String> written = HostFiles.write(h, out);
        written.forEach(p -> spec.commandLine().getOut().println(out.resolve(p)));
        return Main.OK;
    }
}
