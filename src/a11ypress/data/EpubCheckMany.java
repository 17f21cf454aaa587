// Runs EPUBCheck on many files in one JVM (each JVM start costs seconds).
// Usage: java -cp epubcheck.jar EpubCheckMany.java OUTDIR FILE...
// Writes OUTDIR/<n>.json (EPUBCheck's JSON report) per file, prints "n<TAB>exit<TAB>file".
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.File;

public class EpubCheckMany {
    public static void main(String[] args) {
        File outDir = new File(args[0]);
        outDir.mkdirs();
        for (int i = 1; i < args.length; i++) {
            File report = new File(outDir, i + ".json");
            int rc = new EpubChecker().run(new String[] {args[i], "--json", report.getPath(), "--quiet"});
            System.out.println(i + "\t" + rc + "\t" + args[i]);
        }
    }
}
