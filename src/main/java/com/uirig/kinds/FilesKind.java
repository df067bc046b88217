package com.uirig.kinds;

import com.uirig.config.YamlValue;
import com.uirig.model.DesiredHost;
import com.uirig.model.DesiredHost.FileSpec;
import com.uirig.plan.FileResource;
import com.uirig.plan.Kind;
import com.uirig.plan.Resource;
import java.util.List;

/**
 * Files uirig owns on the host, the playbook's {@code files} section: each written whole, with
 * its mode and owner ({@link FileResource}); a jail's files are its own section's.
 */
public final class FilesKind implements Kind<FilesKind.Files> {
    public static final String KEY = "files";

    /** The host's files, in the playbook's order. */
    public record Files(List<FileSpec> files) {
        public Files {
            files = List.copyOf(files);
        }
    }

    /** The files {@code host}'s files section declares (none without one). */
    public static List<FileSpec> of(DesiredHost host) {
        return host.kinds().get(KEY, Files.class).map(Files::files).orElse(List.of());
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public Class<Files> specType() {
        return Files.class;
    }

    /** Written without entries, the section is a mistake (as it always was), not "none". */
    @Override
    public boolean emptyMeansNone() {
        return false;
    }

    @Override
    public Files read(YamlValue section, Context context) {
        return new Files(Readers.files(section, context.playbookDir(), "", context.origins()));
    }

    @Override
    public List<WrittenFile> writtenFiles(Files spec, DesiredHost host) {
        return spec.files().stream().map(f -> new WrittenFile(f.path(), "files: " + f.path(), Readers.fileOrigin("", f.path()), Source.NAMED))
                .toList();
    }

    @Override
    public List<Resource> resources(DesiredHost host, Files spec, Graph graph) {
        return spec.files().stream().<Resource>map(f -> new FileResource("file", f.path(), f.content(), f.mode(), f.owner(),
                List.of())).toList();
    }
}
